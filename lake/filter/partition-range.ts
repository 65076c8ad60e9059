// What a partition value says about its source column: month 636 of eventTime means
// every eventTime lies in [2023-01-01, 2023-02-01). Ranges are inclusive, in the
// source column's Scalar units, for pruning files by partition before their bounds.
import type { Field, Scalar } from "../schema.js";
import type { Transform } from "../iceberg/types.js";
import type { ColumnStats } from "./prune.js";

const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_HOUR = 3_600_000_000n;

function monthStartDays(months: number): number {
  const year = 1970 + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  return Date.UTC(year, month, 1) / 86_400_000;
}

/** Source-column statistics implied by one partition value, or undefined when it implies nothing. */
export function statsOfPartition(transform: Transform, value: Scalar, source: Field): ColumnStats | undefined {
  if (transform === "void") return undefined;
  if (value === null) return { nullCount: 1, valueCount: 1 }; // every row of the partition has a null source
  if (transform === "identity") return { min: value, max: value };
  // Other engines' bucket[N] and truncate[W] values are no range of a time column.
  if (!["day", "month", "year", "hour"].includes(transform)) return undefined;
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
