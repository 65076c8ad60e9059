// What a scan will read, decided from metadata alone: the data files left after
// partition and bound pruning, the row groups left after Parquet statistics pruning,
// and the exact byte range of every requested column chunk.
import type { Field, Schema } from "../schema.js";
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
  /** ... or the snapshot current at this instant (ms since epoch). */
  asOfMs?: number;
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
}

/** One column of one row group: the unit of caching (a fragment). */
export interface ColumnChunkRef {
  fieldId: number;
  column: string;
  rowGroup: number;
  /** Byte range of the whole chunk (dictionary page included) in the data file. */
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

export interface FileScan {
  file: DataFile;
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
}

export interface ScanPlan {
  table: string;
  snapshotId: number | null;
  tableSchema: Schema;
  /** Fields returned to the caller, in request order. */
  output: Field[];
  /** Fields read from files: output plus any columns only the filter needs. */
  read: Field[];
  filter: Filter | null;
  files: FileScan[];
  stats: ScanPlanStats;
}
