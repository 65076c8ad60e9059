// Partitioning: parsing "day(eventTime), country", computing transform values with the
// spec's semantics (ordinals since 1970, floor division before the epoch), naming
// partition directories, and the DuckDB SQL that computes the same values for writers.
import { isPrimitive, typeText, type PrimitiveField, type PrimitiveType, type Scalar, type Schema } from "../schema.js";
import { decimalTypeOf, formatDecimal, formatIsoDate, formatIsoTimestamp } from "../value-text.js";
import { bucketOf, truncateOf } from "./bucket-truncate.js";
import { IcebergError } from "./errors.js";
import type { PartitionField, PartitionSpec, Transform } from "./types.js";

const TRANSFORMS: Transform[] = ["identity", "year", "month", "day", "hour", "void"];
const TIME_TYPES: PrimitiveType[] = ["date", "timestamp", "timestamptz"];
const MICROS_PER_HOUR = 3_600_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;

export const FIRST_PARTITION_FIELD_ID = 1000;

/** Parses a partition clause into partition fields with ids from `firstId` on. */
export function parsePartitionBy(text: string, schema: Schema, firstId = FIRST_PARTITION_FIELD_ID): PartitionField[] {
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  const seen = new Set<string>();
  return items.map((item, i) => {
    const call = /^([a-z]+)\s*\(\s*"?([^")\s]+)"?\s*\)$/i.exec(item);
    const [transformName, column] = call ? [call[1]!.toLowerCase(), call[2]!] : ["identity", item.replace(/^"|"$/g, "")];
    if (!TRANSFORMS.includes(transformName as Transform)) {
      throw new IcebergError("BAD_PARTITION", `unknown partition transform '${transformName}' in '${text}'; use identity, year, month, day or hour`);
    }
    const transform = transformName as Transform;
    const source = schema.fields.find((f) => f.name === column);
    if (!source) {
      throw new IcebergError("BAD_PARTITION", `partition column '${column}' in '${text}' is not a column; columns: ${schema.fields.map((f) => f.name).join(", ")}`);
    }
    if (transform !== "identity" && transform !== "void" && !TIME_TYPES.includes(source.type as PrimitiveType)) {
      throw new IcebergError("BAD_PARTITION", `${transform}(${column}) needs a date or timestamp column; '${column}' is ${source.type}`);
    }
    if (transform === "hour" && source.type === "date") {
      throw new IcebergError("BAD_PARTITION", `hour(${column}) needs a timestamp column; '${column}' is a date`);
    }
    const name = transform === "identity" ? source.name : `${source.name}_${transform}`;
    if (seen.has(name)) throw new IcebergError("BAD_PARTITION", `partition field '${name}' appears twice in '${text}'`);
    seen.add(name);
    return { "source-id": source.id, "field-id": firstId + i, name, transform };
  });
}

/** bucket[16] -> { name: "bucket", n: 16 }; the other transforms have no argument. */
export function parseTransform(transform: Transform): { name: string; n?: number } {
  const m = /^(bucket|truncate)\[(\d+)\]$/.exec(transform);
  return m ? { name: m[1]!, n: Number(m[2]) } : { name: transform };
}

/** Result type of a transform applied to a source type. */
export function transformResultType(transform: Transform, source: PrimitiveType): PrimitiveType {
  switch (parseTransform(transform).name) {
    case "identity": case "truncate": case "void": return source;
    case "day": return "date";
    default: return "int"; // year, month, hour, bucket
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Days since epoch of a date (days) or timestamp (micros). */
function daysOf(value: Scalar, type: PrimitiveType): number {
  return type === "date" ? Number(value) : Number(floorDiv(BigInt(value as bigint), MICROS_PER_DAY));
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const d = new Date(days * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function transformValue(transform: Transform, value: Scalar, type: PrimitiveType): Scalar {
  if (value === null || transform === "void") return null;
  const { name, n } = parseTransform(transform);
  if (name === "bucket") return bucketOf(value, type, n!) ?? null;
  if (name === "truncate") return truncateOf(value, type, n!) ?? null;
  switch (transform as "identity" | "day" | "hour" | "month" | "year") {
    case "identity":
      return value;
    case "day":
      return daysOf(value, type);
    case "hour":
      return Number(floorDiv(BigInt(value as bigint), MICROS_PER_HOUR));
    case "month": {
      const { year, month } = civilFromDays(daysOf(value, type));
      return (year - 1970) * 12 + (month - 1);
    }
    case "year":
      return civilFromDays(daysOf(value, type)).year - 1970;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Human-readable text of a partition value, as Iceberg writes it in paths; an identity
 * value is written by its source column's type (dates and timestamps in ISO 8601,
 * decimals with their scale) when the type is given.
 */
export function formatPartitionValue(transform: Transform, value: Scalar, sourceType?: PrimitiveType): string {
  if (value === null) return "null";
  if (transform === "identity" && sourceType) {
    if (sourceType === "date") return formatIsoDate(Number(value));
    if (sourceType === "timestamp" || sourceType === "timestamptz") return formatIsoTimestamp(BigInt(value as bigint), sourceType === "timestamptz");
    const decimal = decimalTypeOf(sourceType);
    if (decimal) return formatDecimal(BigInt(value as bigint), decimal.scale);
  }
  switch (transform) {
    case "year": return String(1970 + Number(value));
    case "month": {
      const n = Number(value);
      const year = 1970 + Math.floor(n / 12);
      return `${year}-${pad(n - (year - 1970) * 12 + 1)}`;
    }
    case "day": {
      const { year, month, day } = civilFromDays(Number(value));
      return `${year}-${pad(month)}-${pad(day)}`;
    }
    case "hour": {
      const hours = Number(value);
      const { year, month, day } = civilFromDays(Math.floor(hours / 24));
      return `${year}-${pad(month)}-${pad(day)}-${pad(((hours % 24) + 24) % 24)}`;
    }
    default:
      return value instanceof Uint8Array ? Buffer.from(value).toString("hex") : String(value);
  }
}

export function partitionPath(spec: PartitionSpec, partition: Record<string, Scalar>, schema: Schema): string {
  return spec.fields
    .map((f) => `${f.name}=${encodeURIComponent(formatPartitionValue(f.transform, partition[f.name] ?? null, sourceField(f, schema).type))}`)
    .join("/");
}

export function sourceField(field: PartitionField, schema: Schema): PrimitiveField {
  const source = findSourceField(field, [schema]);
  if (!source) throw new IcebergError("BAD_PARTITION", `partition field '${field.name}' refers to missing column id ${field["source-id"]}`);
  return source;
}

/**
 * The source column of a partition field in the first of `schemas` that has it: a
 * column dropped since an older spec partitioned by it is still found in the schema
 * the files were written with. Undefined when none has it.
 */
export function findSourceField(field: PartitionField, schemas: Schema[]): PrimitiveField | undefined {
  for (const schema of schemas) {
    const source = schema.fields.find((f) => f.id === field["source-id"]);
    if (!source) continue;
    if (!isPrimitive(source.type)) throw new IcebergError("BAD_PARTITION", `partition field '${field.name}' is computed from column '${source.name}', a ${typeText(source.type)}`);
    return source as PrimitiveField;
  }
  return undefined;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A DuckDB expression computing the partition value of each row from its source column. */
export function sqlForTransform(field: PartitionField, schema: Schema): string {
  const col = quote(sourceField(field, schema).name);
  const micros = `epoch_us(CAST(${col} AS TIMESTAMP))`;
  switch (field.transform) {
    case "identity": return col;
    case "void": return "NULL";
    case "year": return `(year(${col}) - 1970)`;
    case "month": return `((year(${col}) - 1970) * 12 + month(${col}) - 1)`;
    case "day": return `CAST(floor(${micros} / 86400000000.0) AS INTEGER)`;
    case "hour": return `CAST(floor(${micros} / 3600000000.0) AS INTEGER)`;
    default: throw new IcebergError("BAD_PARTITION", `lakeloop does not write tables partitioned by ${field.transform}`);
  }
}
