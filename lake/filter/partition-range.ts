// What a partition value says about its source column: month 636 of eventTime means
// every eventTime lies in [2023-01-01, 2023-02-01); truncate[10] 120 of a number means
// [120, 129], of a string "ab" means strings starting with "ab"; bucket[16] 3 means only
// values that hash to bucket 3. Ranges are inclusive, in the source column's Scalar
// units, for pruning files by partition before their bounds. A transform this does not
// know implies nothing (never prunes).
import type { PrimitiveField as Field, Scalar } from "../schema.js";
import { bucketOf } from "../iceberg/bucket-truncate.js";
import { parseTransform } from "../iceberg/partition.js";
import type { Transform } from "../iceberg/types.js";
import { decimalTypeOf } from "../value-text.js";
import type { ColumnStats } from "./prune.js";

const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_HOUR = 3_600_000_000n;

function monthStartDays(months: number): number {
  const year = 1970 + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  return Date.UTC(year, month, 1) / 86_400_000;
}

/**
 * Source-column statistics implied by one partition value, or undefined when it implies
 * nothing. A non-null value of any transform but void also says no source value is null.
 */
export function statsOfPartition(transform: Transform, value: Scalar, source: Field): ColumnStats | undefined {
  const stats = rangeOfPartition(transform, value, source);
  return stats && value !== null ? { ...stats, nullCount: 0 } : stats;
}

function rangeOfPartition(transform: Transform, value: Scalar, source: Field): ColumnStats | undefined {
  if (transform === "void") return undefined;
  if (value === null) return { nullCount: 1, valueCount: 1 }; // every row of the partition has a null source
  if (transform === "identity") return { min: value, max: value };
  const { name, n } = parseTransform(transform);
  if (name === "bucket") {
    const bucket = Number(value);
    return { mayEqual: (v) => { const b = bucketOf(v, source.type, n!); return b === undefined || b === bucket; } };
  }
  if (name === "truncate") return truncatedRange(value, source, n!);
  // Any other transform (a future one) implies nothing; the time transforms follow.
  if (!["day", "month", "year", "hour"].includes(name)) return undefined;
  let firstDay: number;
  let endDay: number; // exclusive
  if (transform === "day") { firstDay = Number(value); endDay = firstDay + 1; }
  else if (transform === "month") { firstDay = monthStartDays(Number(value)); endDay = monthStartDays(Number(value) + 1); }
  else if (transform === "year") { firstDay = monthStartDays(Number(value) * 12); endDay = monthStartDays((Number(value) + 1) * 12); }
  else {
    const start = BigInt(value as number) * MICROS_PER_HOUR;
    return source.type === "date" ? undefined : { min: start, max: start + MICROS_PER_HOUR - 1n };
  }
  if (source.type === "date") return { min: firstDay, max: endDay - 1 };
  return { min: BigInt(firstDay) * MICROS_PER_DAY, max: BigInt(endDay) * MICROS_PER_DAY - 1n };
}

/** The source values a truncate[W] partition value stands for. */
function truncatedRange(value: Scalar, source: Field, width: number): ColumnStats | undefined {
  if (source.type === "int") return { min: value, max: Number(value) + width - 1 };
  if (source.type === "long" || decimalTypeOf(source.type)) return { min: value, max: BigInt(value as bigint) + BigInt(width) - 1n };
  if (source.type === "string") {
    // Every string with this prefix: at most the prefix's UTF-8 bytes followed by 0xFF,
    // a byte no UTF-8 text holds.
    const prefix = new TextEncoder().encode(String(value));
    const max = new Uint8Array(prefix.length + 1);
    max.set(prefix);
    max[prefix.length] = 0xff;
    return { min: value, max };
  }
  if (source.type === "binary") return { min: value };
  return undefined;
}
