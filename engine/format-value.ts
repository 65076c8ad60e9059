// The text of one value of a result, for people, by its column's Arrow type: dates as
// ISO 8601 days (2023-01-04), timestamps as ISO 8601 with every microsecond
// (2023-01-01T00:00:12.148082), a "Z" only on instants (timestamptz); longs with every
// digit, doubles rounded to six decimals. What the REPL and the CLI's text tables print.
import { DataType, TimeUnit, type Data, type Vector } from "apache-arrow";

const DAY_MS = 86_400_000;
const DAY_MICROS = 86_400_000_000n;
const MICROS: Record<number, bigint> = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1000n, [TimeUnit.MICROSECOND]: 1n };

const pad = (n: number | bigint, width = 2) => String(n).padStart(width, "0");

/** A value without its column's type: NULL, bigint digits, rounded doubles, Date as ISO. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Days since 1970-01-01 as "2023-01-04". */
export function formatIsoDay(days: number): string {
  const d = new Date(days * DAY_MS);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Microseconds since the epoch as "2023-01-01T00:00:12.148082" ("Z" added for an instant). */
export function formatIsoMicros(micros: bigint, instant: boolean): string {
  const days = micros / DAY_MICROS - (micros % DAY_MICROS < 0n ? 1n : 0n);
  const inDay = micros - days * DAY_MICROS;
  const seconds = inDay / 1_000_000n;
  const fraction = inDay % 1_000_000n;
  const time = `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}${fraction ? `.${pad(fraction, 6)}` : ""}`;
  return `${formatIsoDay(Number(days))}T${time}${instant ? "Z" : ""}`;
}

/** The chunk of a column that holds a row, and the row's index in it. */
function chunkOf(column: Vector, row: number): { data: Data; index: number } {
  let index = row;
  for (const data of column.data) {
    if (index < data.length) return { data, index };
    index -= data.length;
  }
  throw new RangeError(`row ${row} is past the end of a ${column.length}-row column`);
}

/** Row `row` of a column as text ("NULL" for a null). */
export function formatCell(column: Vector, row: number): string {
  if (!column.isValid(row)) return "NULL";
  const type = column.type as DataType;
  if (DataType.isTimestamp(type)) {
    // get() gives fractional milliseconds as a double, which drops microseconds: read the stored integer.
    const { data, index } = chunkOf(column, row);
    const raw = BigInt((data.values as BigInt64Array)[index]!);
    const micros = type.unit === TimeUnit.NANOSECOND ? raw / 1000n - (raw % 1000n < 0n ? 1n : 0n) : raw * MICROS[type.unit]!;
    return formatIsoMicros(micros, Boolean(type.timezone));
  }
  if (DataType.isDate(type)) return formatIsoDay(Math.floor(Number(column.get(row)) / DAY_MS));
  return formatValue(column.get(row));
}
