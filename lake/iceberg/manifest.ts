// Manifests and manifest lists: DataFile records to Avro and back. Writing follows the
// v2 rules (sequence numbers of ADDED entries are inherited from the manifest list);
// reading applies that inheritance and drops DELETED entries.
import type { PrimitiveType, Scalar, Schema } from "../schema.js";
import { decodeAvroFile, encodeAvroFile } from "./avro.js";
import { decimalTypeOf } from "../value-text.js";
import { decodeBigEndian, decodeBound, encodeBigEndian, encodeBound } from "./bounds.js";
import { CorruptMetadataError } from "./errors.js";
import { avroName, decimalBytes, MANIFEST_FILE_SCHEMA, manifestEntrySchema } from "./manifest-schemas.js";
import { sourceField, transformResultType } from "./partition.js";
import type { DataFile, PartitionSpec } from "./types.js";

export const EntryStatus = { Existing: 0, Added: 1, Deleted: 2 } as const;
export type EntryStatus = (typeof EntryStatus)[keyof typeof EntryStatus];

/** One row of a manifest list. */
export interface ManifestFile {
  path: string;
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
  if (type === "binary") return Buffer.from(value as Uint8Array);
  const decimal = decimalTypeOf(type);
  if (decimal) return Buffer.from(encodeBigEndian(BigInt(value as bigint), decimalBytes(decimal.precision)));
  return value;
}

function scalarFromAvro(value: unknown, type: PrimitiveType): Scalar {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "long": case "timestamp": case "timestamptz": return BigInt(value as number);
    case "binary": return new Uint8Array(value as Buffer);
    default: return decimalTypeOf(type) ? decodeBigEndian(value as Buffer) : (value as Scalar);
  }
}

const mapToAvro = (map: Map<number, number>) => [...map].map(([key, value]) => ({ key, value }));

function boundsToAvro(map: Map<number, Scalar>, schema: Schema) {
  const out: { key: number; value: Buffer }[] = [];
  for (const [id, value] of map) {
    const field = schema.fields.find((f) => f.id === id);
    if (field && value !== null) out.push({ key: id, value: Buffer.from(encodeBound(value, field.type)) });
  }
  return out;
}

function dataFileToAvro(file: DataFile, spec: PartitionSpec, schema: Schema) {
  const partition: Record<string, unknown> = {};
  for (const f of spec.fields) {
    partition[avroName(f.name)] = scalarToAvro(file.partition[f.name] ?? null, transformResultType(f.transform, sourceField(f, schema).type));
  }
  return {
    content: 0,
    file_path: file.path,
    file_format: "PARQUET",
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
    equality_ids: null,
    sort_order_id: null,
  };
}

type AvroRecord = Record<string, unknown>;

function mapFromAvro(list: unknown): Map<number, number> {
  return new Map(((list as { key: number; value: number }[] | null) ?? []).map((e) => [e.key, Number(e.value)]));
}

function boundsFromAvro(list: unknown, schema: Schema): Map<number, Scalar> {
  const out = new Map<number, Scalar>();
  for (const { key, value } of (list as { key: number; value: Buffer }[] | null) ?? []) {
    const field = schema.fields.find((f) => f.id === key);
    if (field) out.set(key, decodeBound(new Uint8Array(value), field.type));
  }
  return out;
}

function dataFileFromAvro(record: AvroRecord, spec: PartitionSpec, schema: Schema): DataFile {
  const partitionRecord = (record.partition ?? {}) as AvroRecord;
  const partition: Record<string, Scalar> = {};
  for (const f of spec.fields) {
    partition[f.name] = scalarFromAvro(partitionRecord[avroName(f.name)], transformResultType(f.transform, sourceField(f, schema).type));
  }
  return {
    path: record.file_path as string,
    format: "parquet",
    partition,
    recordCount: Number(record.record_count),
    fileSizeBytes: Number(record.file_size_in_bytes),
    columnSizes: mapFromAvro(record.column_sizes),
    valueCounts: mapFromAvro(record.value_counts),
    nullValueCounts: mapFromAvro(record.null_value_counts),
    lowerBounds: boundsFromAvro(record.lower_bounds, schema),
    upperBounds: boundsFromAvro(record.upper_bounds, schema),
    splitOffsets: (record.split_offsets as number[] | null)?.map(Number),
    specId: spec["spec-id"],
  };
}

export interface ManifestWrite {
  snapshotId: number;
  sequenceNumber: number;
  spec: PartitionSpec;
  schema: Schema;
  files: DataFile[];
  status: EntryStatus;
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
    content: "data",
  });
}

export function manifestFileFor(write: ManifestWrite, path: string, length: number): ManifestFile {
  const rows = write.files.reduce((sum, f) => sum + f.recordCount, 0);
  const added = write.status === EntryStatus.Added;
  const deleted = write.status === EntryStatus.Deleted;
  return {
    path, length, specId: write.spec["spec-id"],
    sequenceNumber: write.sequenceNumber, minSequenceNumber: write.sequenceNumber, addedSnapshotId: write.snapshotId,
    addedFiles: added ? write.files.length : 0, existingFiles: !added && !deleted ? write.files.length : 0, deletedFiles: deleted ? write.files.length : 0,
    addedRows: added ? rows : 0, existingRows: !added && !deleted ? rows : 0, deletedRows: deleted ? rows : 0,
  };
}

export async function decodeManifest(bytes: Uint8Array, where: string, manifest: ManifestFile, specs: PartitionSpec[], schema: Schema): Promise<DataFile[]> {
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
    out.push(dataFileFromAvro(entry.data_file as AvroRecord, spec, schema));
  }
  return out;
}

export async function encodeManifestList(manifests: ManifestFile[], snapshot: { id: number; parentId?: number; sequenceNumber: number }): Promise<Buffer> {
  const records = manifests.map((m) => ({
    manifest_path: m.path, manifest_length: m.length, partition_spec_id: m.specId, content: 0,
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
    path: r.manifest_path as string, length: Number(r.manifest_length), specId: r.partition_spec_id as number,
    sequenceNumber: Number(r.sequence_number), minSequenceNumber: Number(r.min_sequence_number), addedSnapshotId: Number(r.added_snapshot_id),
    addedFiles: Number(r.added_files_count), existingFiles: Number(r.existing_files_count), deletedFiles: Number(r.deleted_files_count),
    addedRows: Number(r.added_rows_count), existingRows: Number(r.existing_rows_count), deletedRows: Number(r.deleted_rows_count),
  }));
}
