// What a scan will read, decided from metadata alone: the data files left after
// partition and bound pruning, the row groups left after Parquet statistics pruning,
// and the exact byte range of every requested column chunk; and the delete files whose
// rows the scan must drop from each data file.
import type { Field, IcebergType, Schema } from "../schema.js";
import type { FileNode } from "./file-columns.js";
import type { DataFile } from "../iceberg/types.js";
import type { Filter } from "../filter/filter.js";

export interface ScanRequest {
  /** Table name, "namespace.table" or "table" (namespace "default"). */
  table: string;
  /** The table's identity when it was planned: another table made under the same name since is refused. */
  tableUuid?: string;
  /** Columns to return, in this order; all columns when omitted. */
  columns?: string[];
  /** SQL boolean expression over the table's columns. */
  filter?: string;
  /** Read this snapshot (time travel by id; null: none, the table is empty where it was planned) ... */
  snapshotId?: number | null;
  /** ... or the snapshot current at this instant (ms since epoch) ... */
  asOfMs?: number;
  /** ... or the snapshot a branch or tag points at. */
  ref?: string;
}

/** How a column chunk is stored, from the file's footer: what a page decoder needs. */
export interface ChunkFormat {
  /** Parquet physical type (INT32, INT64, FLOAT, DOUBLE, BOOLEAN, BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY, INT96). */
  physical: string;
  /** Compression codec (UNCOMPRESSED, SNAPPY, GZIP, ZSTD, ...). */
  codec: string;
  /** Encodings used by the chunk's pages. */
  encodings: string[];
  /** OPTIONAL (definition levels present) or REQUIRED. */
  optional: boolean;
  /** Values in the chunk (rows, for flat columns). */
  numValues: number;
  typeLength?: number;
  /** Time unit of INT64 timestamps. */
  timeUnit?: "MILLIS" | "MICROS" | "NANOS";
  /** Decimal precision and scale, when the column is a decimal. */
  decimal?: { precision: number; scale: number };
  /** The column is a group (struct, list, map): only DuckDB's reader decodes it. */
  nested?: boolean;
}

/** One column of one row group: the unit of caching (a fragment). */
export interface ColumnChunkRef {
  fieldId: number;
  /** The table's name of the column (what the scan returns). */
  column: string;
  /**
   * The column's name in the data file (differs from `column` after a rename): with the
   * file it identifies the bytes, so fragments survive renames and schema versions.
   */
  path: string;
  /**
   * What the bytes hold: the table's type, or the narrower one the file was written
   * with before a promotion (decoded as that, promoted when assembled).
   */
  fileType: IcebergType;
  /** The table's type of the column. */
  type: IcebergType;
  /** A nested column's shape in the file. */
  fileTree?: FileNode;
  rowGroup: number;
  /**
   * Byte range of the whole chunk (dictionary page included) in the data file; for a
   * nested column, of all its leaf chunks (contiguous in files as writers lay them out).
   */
  offset: number;
  length: number;
  /** Uncompressed size, a fair estimate of the decoded size. */
  uncompressedLength: number;
  format: ChunkFormat;
}

export interface RowGroupScan {
  index: number;
  rowCount: number;
  /** Row number of the row group's first row within its file. */
  firstRow: number;
  /** Chunks of the columns the scan reads (requested plus filter columns), in schema order. */
  chunks: ColumnChunkRef[];
  /** Every row satisfies the scan's filter (by statistics): the row group is kept whole, unfiltered. */
  whole: boolean;
}

export interface ParquetFooter {
  /** The raw Thrift FileMetaData bytes (without the trailing length and magic). */
  bytes: Uint8Array;
  /** Offset of `bytes` within the file. */
  offset: number;
}

/** The delete files that apply to one data file (lake/scan/plan-deletes.ts). */
export interface FileDeletes {
  /** Parquet position delete files (file_path, pos). */
  positions: DataFile[];
  /** A deletion vector (Iceberg v3; at most one). */
  vectors: DataFile[];
  /** Equality delete files. */
  equality: DataFile[];
}

export interface FileScan {
  file: DataFile;
  /** Delete files whose rows of this file the scan drops (absent: none). */
  deletes?: FileDeletes;
  /** Store key of the file (relative to the store root). */
  key: string;
  /** Identity used for cache keys: the object's etag, or "" when the path is snapshot-unique. */
  etag: string;
  footer: ParquetFooter;
  rowGroups: RowGroupScan[];
}

export interface ScanPlanStats {
  filesTotal: number;
  filesAfterPartitionPruning: number;
  filesAfterBoundsPruning: number;
  rowGroupsTotal: number;
  rowGroupsAfterStatsPruning: number;
  /** Sum of the lengths of every planned column chunk. */
  bytesToRead: number;
  /** Delete files that apply to the files read. */
  deleteFiles: number;
}

export interface ScanPlan {
  table: string;
  snapshotId: number | null;
  tableSchema: Schema;
  /** Fields returned to the caller, in request order. */
  output: Field[];
  /** Fields read from files: output plus any columns only the filter or equality deletes need. */
  read: Field[];
  filter: Filter | null;
  files: FileScan[];
  stats: ScanPlanStats;
}
