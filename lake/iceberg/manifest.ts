// Manifests and manifest lists: DataFile records to Avro and back. Writing follows the
// v2 rules (sequence numbers of ADDED entries are inherited from the manifest list);
// reading applies that inheritance and drops DELETED entries. Delete files (position
// and equality deletes, v3 deletion vectors) travel in manifests of content 1.
import { isPrimitive, type PrimitiveType, type Scalar, type Schema } from "../schema.js";
import { decodeAvroFile, encodeAvroFile } from "./avro.js";
import { uuidFromBytes, uuidToBytes } from "../uuid-text.js";
import { decimalTypeOf } from "../value-text.js";
import { decodeBigEndian, decodeBound, encodeBigEndian, encodeBound } from "./bounds.js";
import { CorruptMetadataError } from "./errors.js";
import { avroName, decimalBytes, MANIFEST_FILE_SCHEMA, manifestEntrySchema } from "./manifest-schemas.js";
import { findSourceField, sourceField, transformResultType } from "./partition.js";
import type { DataFile, FileContent, PartitionSpec } from "./types.js";

const CONTENT_CODES: Record<FileContent, number> = { data: 0, "position-deletes": 1, "equality-deletes": 2 };
const CONTENTS: FileContent[] = ["data", "position-deletes", "equality-deletes"];

export const EntryStatus = { Existing: 0, Added: 1, Deleted: 2 } as const;
export type EntryStatus = (typeof EntryStatus)[keyof typeof EntryStatus];

/** One row of a manifest list. */
export interface ManifestFile {
  path: string;
  /** 0: data files; 1: delete files. */
  content?: 0 | 1;
  length: number;
  specId: number;
  sequenceNumber: number;
  minSequenceNumber: number;
  addedSnapshotId: number;
  addedFiles: number;
  existingFiles: number;
  deletedFiles: number;
  addedRows: number;
  existingRows: number;
  deletedRows: number;
}

function scalarToAvro(value: Scalar, type: PrimitiveType): unknown {
  if (value === null) return null;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (type === "uuid") return Buffer.from(uuidToBytes(String(value)));
  const decimal = decimalTypeOf(type);
  if (decimal) return Buffer.from(encodeBigEndian(BigInt(value as bigint), decimalBytes(decimal.precision)));
  return value;
}

function scalarFromAvro(value: unknown, type: PrimitiveType): Scalar {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "long": case "time": case "timestamp": case "timestamptz": case "timestamp_ns": case "timestamptz_ns": return BigInt(value as number);
    case "binary": return new Uint8Array(value as Buffer);
    case "uuid": return Buffer.isBuffer(value) ? uuidFromBytes(value) : String(value).toLowerCase();
    default:
      if (decimalTypeOf(type)) return decodeBigEndian(value as Buffer);
      return Buffer.isBuffer(value) ? new Uint8Array(value) : (value as Scalar); // fixed[L]
  }
}

const mapToAvro = (map: Map<number, number>) => [...map].map(([key, value]) => ({ key, value }));

function boundsToAvro(map: Map<number, Scalar>, schema: Schema) {
  const out: { key: number; value: Buffer }[] = [];
  for (const [id, value] of map) {
    const field = schema.fields.find((f) => f.id === id);
    const type = field ? field.type : id === POSITION_DELETE_PATH_ID ? "string" : id === POSITION_DELETE_POS_ID ? "long" : undefined;
    if (type && isPrimitive(type) && value !== null) out.push({ key: id, value: Buffer.from(encodeBound(value, type)) });
  }
  return out;
}

/** Reserved field ids of position delete files' columns (file_path, pos). */
export const POSITION_DELETE_PATH_ID = 2147483546;
export const POSITION_DELETE_POS_ID = 2147483545;

function dataFileToAvro(file: DataFile, spec: PartitionSpec, schema: Schema) {
  const partition: Record<string, unknown> = {};
  for (const f of spec.fields) {
    partition[avroName(f.name)] = scalarToAvro(file.partition[f.name] ?? null, transformResultType(f.transform, sourceField(f, schema).type));
  }
  return {
    content: CONTENT_CODES[file.content ?? "data"],
    file_path: file.path,
    file_format: file.format.toUpperCase(),
    partition,
    record_count: file.recordCount,
    file_size_in_bytes: file.fileSizeBytes,
    column_sizes: mapToAvro(file.columnSizes),
    value_counts: mapToAvro(file.valueCounts),
    null_value_counts: mapToAvro(file.nullValueCounts),
    nan_value_counts: null,
    lower_bounds: boundsToAvro(file.lowerBounds, schema),
    upper_bounds: boundsToAvro(file.upperBounds, schema),
    key_metadata: null,
    split_offsets: file.splitOffsets ?? null,
    equality_ids: file.equalityIds ?? null,
    sort_order_id: null,
    referenced_data_file: file.referencedDataFile ?? null,
    content_offset: file.contentOffset ?? null,
    content_size_in_bytes: file.contentSizeInBytes ?? null,
  };
}

type AvroRecord = Record<string, unknown>;

function mapFromAvro(list: unknown): Map<number, number> {
  return new Map(((list as { key: number; value: number }[] | null) ?? []).map((e) => [e.key, Number(e.value)]));
}

/** Bounds of top-level primitive columns (and of a position delete file's file_path), typed by the first schema that has the column. */
function boundsFromAvro(list: unknown, schemas: Schema[]): Map<number, Scalar> {
  const out = new Map<number, Scalar>();
  for (const { key, value } of (list as { key: number; value: Buffer }[] | null) ?? []) {
    const type = key === POSITION_DELETE_PATH_ID ? "string" : schemas.map((s) => s.fields.find((f) => f.id === key)).find(Boolean)?.type;
    if (type && isPrimitive(type)) out.set(key, decodeBound(new Uint8Array(value), type));
  }
  return out;
}

const optionalNumber = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** `inherited`: the manifest's sequence number, for entries that leave theirs null (ADDED ones). */
function dataFileFromAvro(record: AvroRecord, spec: PartitionSpec, schemas: Schema[], sequenceNumber: number): DataFile {
  const partitionRecord = (record.partition ?? {}) as AvroRecord;
  const partition: Record<string, Scalar> = {};
  for (const f of spec.fields) {
    // A partition by a column since dropped from every schema: its values stay as Avro gave them.
    const source = findSourceField(f, schemas);
    partition[f.name] = source ? scalarFromAvro(partitionRecord[avroName(f.name)], transformResultType(f.transform, source.type)) : (partitionRecord[avroName(f.name)] ?? null) as Scalar;
  }
  const content = CONTENTS[Number(record.content ?? 0)] ?? "data";
  return {
    path: record.file_path as string,
    ...(content !== "data" ? { content } : {}),
    format: String(record.file_format ?? "PARQUET").toLowerCase() as DataFile["format"],
    partition,
    recordCount: Number(record.record_count),
    fileSizeBytes: Number(record.file_size_in_bytes),
    columnSizes: mapFromAvro(record.column_sizes),
    valueCounts: mapFromAvro(record.value_counts),
    nullValueCounts: mapFromAvro(record.null_value_counts),
    lowerBounds: boundsFromAvro(record.lower_bounds, schemas),
    upperBounds: boundsFromAvro(record.upper_bounds, schemas),
    splitOffsets: (record.split_offsets as number[] | null)?.map(Number),
    specId: spec["spec-id"],
    sequenceNumber,
    ...(record.equality_ids ? { equalityIds: (record.equality_ids as number[]).map(Number) } : {}),
    ...(record.referenced_data_file ? { referencedDataFile: String(record.referenced_data_file) } : {}),
    ...(optionalNumber(record.content_offset) !== undefined ? { contentOffset: optionalNumber(record.content_offset), contentSizeInBytes: optionalNumber(record.content_size_in_bytes) } : {}),
  };
}

export interface ManifestWrite {
  snapshotId: number;
  sequenceNumber: number;
  spec: PartitionSpec;
  schema: Schema;
  files: DataFile[];
  status: EntryStatus;
  /** 1 for a manifest of delete files. */
  content?: 0 | 1;
}

/** Encodes a manifest; the caller stores it and records it in a manifest list. */
export async function encodeManifest(write: ManifestWrite): Promise<Buffer> {
  const { spec, schema } = write;
  const entries = write.files.map((file) => ({
    status: write.status,
    snapshot_id: write.snapshotId,
    // ADDED entries inherit their sequence numbers from the manifest list (null here).
    sequence_number: write.status === EntryStatus.Added ? null : write.sequenceNumber,
    file_sequence_number: write.status === EntryStatus.Added ? null : write.sequenceNumber,
    data_file: dataFileToAvro(file, spec, schema),
  }));
  return encodeAvroFile(manifestEntrySchema(spec, schema), entries, {
    schema: JSON.stringify(schema),
    "schema-id": String(schema["schema-id"]),
    "partition-spec": JSON.stringify(spec.fields),
    "partition-spec-id": String(spec["spec-id"]),
    "format-version": "2",
    content: write.content === 1 ? "deletes" : "data",
  });
}

export function manifestFileFor(write: ManifestWrite, path: string, length: number): ManifestFile {
  const rows = write.files.reduce((sum, f) => sum + f.recordCount, 0);
  const added = write.status === EntryStatus.Added;
  const deleted = write.status === EntryStatus.Deleted;
  return {
    path, length, specId: write.spec["spec-id"], content: write.content ?? 0,
    sequenceNumber: write.sequenceNumber, minSequenceNumber: write.sequenceNumber, addedSnapshotId: write.snapshotId,
    addedFiles: added ? write.files.length : 0, existingFiles: !added && !deleted ? write.files.length : 0, deletedFiles: deleted ? write.files.length : 0,
    addedRows: added ? rows : 0, existingRows: !added && !deleted ? rows : 0, deletedRows: deleted ? rows : 0,
  };
}

/**
 * The live files of a manifest. `schemas`: the schema of the snapshot read first, then
 * the table's others (types of bounds and partition sources by field id).
 */
export async function decodeManifest(bytes: Uint8Array, where: string, manifest: ManifestFile, specs: PartitionSpec[], schemas: Schema[]): Promise<DataFile[]> {
  let file;
  try {
    file = await decodeAvroFile(bytes);
  } catch (err) {
    throw new CorruptMetadataError(where, `not a readable Avro manifest (${(err as Error).message})`);
  }
  const spec = specs.find((s) => s["spec-id"] === manifest.specId);
  if (!spec) throw new CorruptMetadataError(where, `partition spec ${manifest.specId} is not in the table metadata`);
  const out: DataFile[] = [];
  for (const entry of file.records) {
    if (entry.status === EntryStatus.Deleted) continue;
    // v1 manifests have no sequence numbers (all 0); ADDED entries inherit the manifest's.
    const sequenceNumber = entry.sequence_number === null || entry.sequence_number === undefined ? manifest.sequenceNumber || 0 : Number(entry.sequence_number);
    out.push(dataFileFromAvro(entry.data_file as AvroRecord, spec, schemas, sequenceNumber));
  }
  return out;
}

export async function encodeManifestList(manifests: ManifestFile[], snapshot: { id: number; parentId?: number; sequenceNumber: number }): Promise<Buffer> {
  const records = manifests.map((m) => ({
    manifest_path: m.path, manifest_length: m.length, partition_spec_id: m.specId, content: m.content ?? 0,
    sequence_number: m.sequenceNumber, min_sequence_number: m.minSequenceNumber, added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFiles, existing_files_count: m.existingFiles, deleted_files_count: m.deletedFiles,
    added_rows_count: m.addedRows, existing_rows_count: m.existingRows, deleted_rows_count: m.deletedRows,
    partitions: null, key_metadata: null,
  }));
  return encodeAvroFile(MANIFEST_FILE_SCHEMA, records, {
    "snapshot-id": String(snapshot.id),
    "parent-snapshot-id": snapshot.parentId === undefined ? "null" : String(snapshot.parentId),
    "sequence-number": String(snapshot.sequenceNumber),
    "format-version": "2",
  });
}

export async function decodeManifestList(bytes: Uint8Array, where: string): Promise<ManifestFile[]> {
  let file;
  try {
    file = await decodeAvroFile(bytes);
  } catch (err) {
    throw new CorruptMetadataError(where, `not a readable Avro manifest list (${(err as Error).message})`);
  }
  return file.records.map((r) => ({
    path: r.manifest_path as string, length: Number(r.manifest_length), specId: r.partition_spec_id as number, content: Number(r.content ?? 0) === 1 ? 1 : 0,
    sequenceNumber: Number(r.sequence_number), minSequenceNumber: Number(r.min_sequence_number), addedSnapshotId: Number(r.added_snapshot_id),
    addedFiles: Number(r.added_files_count), existingFiles: Number(r.existing_files_count), deletedFiles: Number(r.deleted_files_count),
    addedRows: Number(r.added_rows_count), existingRows: Number(r.existing_rows_count), deletedRows: Number(r.deleted_rows_count),
  }));
}
