// The Avro schemas of Iceberg v2 manifest lists and manifests, with the spec's field
// ids, so other Iceberg readers can project them by id.
import { fixedLengthOf, type PrimitiveType, type Schema } from "../schema.js";
import { decimalLimit, decimalTypeOf } from "../value-text.js";
import { sourceField, transformResultType } from "./partition.js";
import type { PartitionSpec } from "./types.js";

const optional = (type: unknown) => ["null", type];

/** Bytes of the fixed type holding a decimal of this precision (Iceberg's Avro mapping). */
export function decimalBytes(precision: number): number {
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) - 1n < decimalLimit(precision)) bytes++;
  return bytes;
}

/** `name`: a decimal becomes a named Avro fixed type, so it needs a name unique in the schema. */
function avroTypeOf(type: PrimitiveType, name: string): unknown {
  switch (type) {
    case "boolean": return "boolean";
    case "int": return "int";
    case "long": return "long";
    case "float": return "float";
    case "double": return "double";
    case "date": return { type: "int", logicalType: "date" };
    case "timestamp": return { type: "long", logicalType: "timestamp-micros", "adjust-to-utc": false };
    case "timestamptz": return { type: "long", logicalType: "timestamp-micros", "adjust-to-utc": true };
    case "string": return "string";
    case "binary": return "bytes";
    case "time": return { type: "long", logicalType: "time-micros" };
    case "timestamp_ns": return { type: "long", logicalType: "timestamp-nanos", "adjust-to-utc": false };
    case "timestamptz_ns": return { type: "long", logicalType: "timestamp-nanos", "adjust-to-utc": true };
    case "uuid": return { type: "fixed", name, size: 16, logicalType: "uuid" };
    default: {
      const length = fixedLengthOf(type);
      if (length !== undefined) return { type: "fixed", name, size: length };
      const { precision, scale } = decimalTypeOf(type)!;
      return { type: "fixed", name, size: decimalBytes(precision), logicalType: "decimal", precision, scale };
    }
  }
}

const intLongMap = (id: number, keyId: number, valueId: number) => ({
  name: id === 108 ? "column_sizes" : id === 109 ? "value_counts" : id === 110 ? "null_value_counts" : "nan_value_counts",
  type: optional({
    type: "array", logicalType: "map",
    items: { type: "record", name: `k${keyId}_v${valueId}`, fields: [{ name: "key", type: "int", "field-id": keyId }, { name: "value", type: "long", "field-id": valueId }] },
  }),
  default: null, "field-id": id,
});

const intBinaryMap = (name: string, id: number, keyId: number, valueId: number) => ({
  name,
  type: optional({
    type: "array", logicalType: "map",
    items: { type: "record", name: `k${keyId}_v${valueId}`, fields: [{ name: "key", type: "int", "field-id": keyId }, { name: "value", type: "bytes", "field-id": valueId }] },
  }),
  default: null, "field-id": id,
});

/** Avro-safe record field name for a partition field (names may hold other characters). */
export function avroName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
}

export function partitionRecordSchema(spec: PartitionSpec, schema: Schema): object {
  return {
    type: "record", name: "r102",
    fields: spec.fields.map((f) => ({
      name: avroName(f.name),
      type: optional(avroTypeOf(transformResultType(f.transform, sourceField(f, schema).type), `fixed_${f["field-id"]}`)),
      default: null,
      "field-id": f["field-id"],
    })),
  };
}

export function manifestEntrySchema(spec: PartitionSpec, schema: Schema): object {
  return {
    type: "record", name: "manifest_entry",
    fields: [
      { name: "status", type: "int", "field-id": 0 },
      { name: "snapshot_id", type: optional("long"), default: null, "field-id": 1 },
      { name: "sequence_number", type: optional("long"), default: null, "field-id": 3 },
      { name: "file_sequence_number", type: optional("long"), default: null, "field-id": 4 },
      {
        name: "data_file", "field-id": 2,
        type: {
          type: "record", name: "r2",
          fields: [
            { name: "content", type: "int", "field-id": 134 },
            { name: "file_path", type: "string", "field-id": 100 },
            { name: "file_format", type: "string", "field-id": 101 },
            { name: "partition", type: partitionRecordSchema(spec, schema), "field-id": 102 },
            { name: "record_count", type: "long", "field-id": 103 },
            { name: "file_size_in_bytes", type: "long", "field-id": 104 },
            intLongMap(108, 117, 118),
            intLongMap(109, 119, 120),
            intLongMap(110, 121, 122),
            intLongMap(137, 138, 139),
            intBinaryMap("lower_bounds", 125, 126, 127),
            intBinaryMap("upper_bounds", 128, 129, 130),
            { name: "key_metadata", type: optional("bytes"), default: null, "field-id": 131 },
            { name: "split_offsets", type: optional({ type: "array", items: "long", "element-id": 133 }), default: null, "field-id": 132 },
            { name: "equality_ids", type: optional({ type: "array", items: "int", "element-id": 136 }), default: null, "field-id": 135 },
            { name: "sort_order_id", type: optional("int"), default: null, "field-id": 140 },
            { name: "referenced_data_file", type: optional("string"), default: null, "field-id": 143 },
            { name: "content_offset", type: optional("long"), default: null, "field-id": 144 },
            { name: "content_size_in_bytes", type: optional("long"), default: null, "field-id": 145 },
          ],
        },
      },
    ],
  };
}

export const MANIFEST_FILE_SCHEMA = {
  type: "record", name: "manifest_file",
  fields: [
    { name: "manifest_path", type: "string", "field-id": 500 },
    { name: "manifest_length", type: "long", "field-id": 501 },
    { name: "partition_spec_id", type: "int", "field-id": 502 },
    { name: "content", type: "int", "field-id": 517 },
    { name: "sequence_number", type: "long", "field-id": 515 },
    { name: "min_sequence_number", type: "long", "field-id": 516 },
    { name: "added_snapshot_id", type: "long", "field-id": 503 },
    { name: "added_files_count", type: "int", "field-id": 504 },
    { name: "existing_files_count", type: "int", "field-id": 505 },
    { name: "deleted_files_count", type: "int", "field-id": 506 },
    { name: "added_rows_count", type: "long", "field-id": 512 },
    { name: "existing_rows_count", type: "long", "field-id": 513 },
    { name: "deleted_rows_count", type: "long", "field-id": 514 },
    {
      name: "partitions", default: null, "field-id": 507,
      type: optional({
        type: "array", "element-id": 508,
        items: {
          type: "record", name: "r508",
          fields: [
            { name: "contains_null", type: "boolean", "field-id": 509 },
            { name: "contains_nan", type: optional("boolean"), default: null, "field-id": 518 },
            { name: "lower_bound", type: optional("bytes"), default: null, "field-id": 510 },
            { name: "upper_bound", type: optional("bytes"), default: null, "field-id": 511 },
          ],
        },
      }),
    },
    { name: "key_metadata", type: optional("bytes"), default: null, "field-id": 519 },
  ],
};
