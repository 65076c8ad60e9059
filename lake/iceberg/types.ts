// Iceberg v2 table metadata as lakeloop holds it in memory. The JSON types follow the
// spec's field names (kebab-case) so metadata files round-trip unchanged; DataFile is
// the decoded form of a manifest entry's data_file record.
import type { Scalar, Schema } from "../schema.js";

export type Transform = "identity" | "year" | "month" | "day" | "hour" | "void" | `bucket[${number}]` | `truncate[${number}]`;

export interface PartitionField {
  "source-id": number;
  "field-id": number;
  name: string;
  transform: Transform;
}

export interface PartitionSpec {
  "spec-id": number;
  fields: PartitionField[];
}

export interface Snapshot {
  "snapshot-id": number;
  "parent-snapshot-id"?: number;
  "sequence-number": number;
  "timestamp-ms": number;
  "manifest-list": string;
  summary: { operation: "append" | "replace" | "overwrite" | "delete"; [key: string]: string };
  "schema-id": number;
}

export interface SnapshotRef {
  "snapshot-id": number;
  type: "branch" | "tag";
}

/** The JSON document at metadata/vN.metadata.json (format-version 2). */
export interface TableMetadata {
  "format-version": 2;
  "table-uuid": string;
  location: string;
  "last-sequence-number": number;
  "last-updated-ms": number;
  "last-column-id": number;
  "current-schema-id": number;
  schemas: Schema[];
  "default-spec-id": number;
  "partition-specs": PartitionSpec[];
  "last-partition-id": number;
  "default-sort-order-id": number;
  "sort-orders": { "order-id": number; fields: unknown[] }[];
  properties: Record<string, string>;
  "current-snapshot-id"?: number | null;
  refs: Record<string, SnapshotRef>;
  snapshots: Snapshot[];
  "snapshot-log": { "snapshot-id": number; "timestamp-ms": number }[];
  "metadata-log": { "metadata-file": string; "timestamp-ms": number }[];
}

/** What a file of a manifest holds: rows, or rows of other files that are deleted. */
export type FileContent = "data" | "position-deletes" | "equality-deletes";

/**
 * One file of a snapshot, decoded from its manifest entry: a Parquet data file, or a
 * delete file (Parquet position or equality deletes, or an Iceberg v3 deletion vector
 * in a Puffin file). Maps are keyed by Iceberg field id; bounds are decoded from
 * Iceberg's single-value serialization into the shared Scalar representation (see
 * lake/schema.ts).
 */
export interface DataFile {
  /** Absolute URI of the file (file:// or s3://). */
  path: string;
  /**
   * The path as the manifest recorded it, when the table is read somewhere else (the
   * form position delete files name rows of this file by).
   */
  recordedPath?: string;
  /** "data" when absent (files lakeloop writes). */
  content?: FileContent;
  format: "parquet" | "puffin" | "avro" | "orc";
  /** Partition tuple by partition field name (transform results: days, months, hours, years since epoch, or identity values). */
  partition: Record<string, Scalar>;
  recordCount: number;
  fileSizeBytes: number;
  columnSizes: Map<number, number>;
  valueCounts: Map<number, number>;
  nullValueCounts: Map<number, number>;
  lowerBounds: Map<number, Scalar>;
  upperBounds: Map<number, Scalar>;
  splitOffsets?: number[];
  /** Spec the partition tuple belongs to. */
  specId: number;
  /** Data sequence number (inherited from the manifest for ADDED entries): which deletes apply. */
  sequenceNumber?: number;
  /** Equality deletes: the field ids whose values identify deleted rows. */
  equalityIds?: number[];
  /** Position deletes and deletion vectors: the one data file they delete from, when the writer said so. */
  referencedDataFile?: string;
  /** Deletion vectors: where the blob lies in the Puffin file. */
  contentOffset?: number;
  contentSizeInBytes?: number;
}
