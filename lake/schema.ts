// The shape of a table: Iceberg v2 schema types, flat (primitive columns only), and
// the one in-memory representation of a single value that every room agrees on.

/** Iceberg's exact decimal, written as Iceberg writes it: "decimal(38, 18)" (precision, scale). */
export type DecimalType = `decimal(${number}, ${number})`;

/** Iceberg primitive types that lakeloop reads and writes. Nested types are not supported. */
export type PrimitiveType =
  | DecimalType
  | "boolean"
  | "int"
  | "long"
  | "float"
  | "double"
  | "date"
  | "timestamp"
  | "timestamptz"
  | "string"
  | "binary";

/** One column of an Iceberg schema. `id` is the Iceberg field id, stable across renames. */
export interface Field {
  id: number;
  name: string;
  required: boolean;
  type: PrimitiveType;
  doc?: string;
}

/** An Iceberg schema as it appears in table metadata (`type: "struct"`). */
export interface Schema {
  "schema-id": number;
  type: "struct";
  fields: Field[];
}

/**
 * A single value, in the representation shared by the filter parser, statistics
 * pruning and row filtering:
 * - boolean: boolean
 * - int, float, double: number
 * - long: bigint
 * - decimal(P, S): bigint, the unscaled value (1.25 in decimal(9, 2) is 125n)
 * - date: number (days since 1970-01-01)
 * - timestamp, timestamptz: bigint (microseconds since 1970-01-01T00:00:00Z)
 * - string: string
 * - binary: Uint8Array
 * - null: SQL NULL
 */
export type Scalar = boolean | number | bigint | string | Uint8Array | null;

/** The canonical spelling of a decimal type. */
export function decimalType(precision: number, scale: number): DecimalType {
  return `decimal(${precision}, ${scale})`;
}

export function fieldByName(schema: Schema, name: string): Field | undefined {
  return schema.fields.find((f) => f.name === name);
}
