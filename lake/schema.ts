// The shape of a table: Iceberg schema types (primitive, and the nested struct, list
// and map that tables other engines wrote may hold), and the one in-memory
// representation of a single value that every room agrees on.

/** Iceberg's exact decimal, written as Iceberg writes it: "decimal(38, 18)" (precision, scale). */
export type DecimalType = `decimal(${number}, ${number})`;

/** Iceberg's fixed-length bytes, "fixed[16]". */
export type FixedType = `fixed[${number}]`;

/**
 * Iceberg primitive types. lakeloop writes the first group; it reads them all (time,
 * nanosecond timestamps, uuid and fixed come from tables other engines wrote).
 */
export type PrimitiveType =
  | DecimalType
  | FixedType
  | "time"
  | "timestamp_ns"
  | "timestamptz_ns"
  | "uuid"
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

export interface StructType {
  type: "struct";
  fields: Field[];
}

export interface ListType {
  type: "list";
  "element-id": number;
  element: IcebergType;
  "element-required": boolean;
}

export interface MapType {
  type: "map";
  "key-id": number;
  key: IcebergType;
  "value-id": number;
  value: IcebergType;
  "value-required": boolean;
}

export type NestedType = StructType | ListType | MapType;

/** Any Iceberg type: a primitive's name, or a nested type's JSON object. */
export type IcebergType = PrimitiveType | NestedType;

/** One column of an Iceberg schema. `id` is the Iceberg field id, stable across renames. */
export interface Field {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string;
  /** Iceberg v3: the value rows written before the column existed read as. */
  "initial-default"?: unknown;
}

/** A field known to be primitive (what filters, partitions and statistics take). */
export type PrimitiveField = Field & { type: PrimitiveType };

export function isPrimitive(type: IcebergType): type is PrimitiveType {
  return typeof type === "string";
}

/** The field's primitive type, for code that handles primitive columns only (writers); `doing` names what refuses a nested one. */
export function primitiveTypeOf(field: Field, doing: string): PrimitiveType {
  if (isPrimitive(field.type)) return field.type;
  throw new TypeError(`column "${field.name}" is a ${typeText(field.type)}; ${doing} takes columns of primitive types only`);
}

/** Iceberg's text of a type: "int", "decimal(9, 2)", "struct<a: int>", "list<string>", "map<string, long>". */
export function typeText(type: IcebergType): string {
  if (isPrimitive(type)) return type;
  switch (type.type) {
    case "struct": return `struct<${type.fields.map((f) => `${f.name}: ${typeText(f.type)}`).join(", ")}>`;
    case "list": return `list<${typeText(type.element)}>`;
    case "map": return `map<${typeText(type.key)}, ${typeText(type.value)}>`;
  }
}

/** fixed[16] -> 16; undefined for any other type. */
export function fixedLengthOf(type: IcebergType): number | undefined {
  const m = isPrimitive(type) ? /^fixed\[(\d+)\]$/.exec(type) : null;
  return m ? Number(m[1]) : undefined;
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
 * - timestamp_ns, timestamptz_ns: bigint (nanoseconds since 1970-01-01T00:00:00Z)
 * - time: bigint (microseconds since midnight)
 * - string: string
 * - uuid: string (36 characters, lower case: 8-4-4-4-12 hex digits)
 * - binary, fixed[L]: Uint8Array
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
