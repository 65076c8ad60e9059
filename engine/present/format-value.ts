// The text of one value of a result, by its Arrow type, shared by every output of the
// CLI (table, --csv, --json) and open to the REPL and the kernel: dates and timestamps
// in ISO 8601 (a "Z" only on instants), longs and decimals with every digit, doubles
// rounded for people ("display") and exact for files ("exact").
import { DataType, TimeUnit, type Data, type Vector } from "apache-arrow";
import { unscaledDecimalAt } from "../../lake/arrow-decimal.js";
import { formatDecimal, formatIsoDate, formatIsoTimestamp } from "../../lake/value-text.js";

export type ValueStyle = "display" | "exact";

const MICROS_PER: Record<number, bigint> = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1000n, [TimeUnit.MICROSECOND]: 1n };

/** The chunk holding a row and the row's index inside it. */
function locate(column: Vector, row: number): { data: Data; index: number } {
  let index = row;
  for (const data of column.data) {
    if (index < data.length) return { data, index };
    index -= data.length;
  }
  throw new RangeError(`row ${row} is past the end of a ${column.length}-row column`);
}

function isNull(data: Data, index: number): boolean {
  const bits = data.nullBitmap;
  if (data.nullCount === 0 || !bits || bits.length === 0) return false;
  const at = data.offset + index;
  return (bits[at >> 3]! & (1 << (at & 7))) === 0;
}

function formatNumber(n: number, style: ValueStyle): string {
  if (style === "exact" || Number.isInteger(n) || !Number.isFinite(n)) return String(n);
  return String(Math.round(n * 1e6) / 1e6);
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => "\\x" + b.toString(16).padStart(2, "0").toUpperCase()).join("");

/** A value without its column's type (the older call sites): bigint, number, Date, bytes, text. */
export function formatValue(value: unknown, style: ValueStyle = "display"): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return formatNumber(value, style);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return hex(value);
  return String(value);
}

/** The text of row `row` of a column, or null for SQL NULL. */
export function formatCell(column: Vector, row: number, style: ValueStyle = "display"): string | null {
  const { data, index } = locate(column, row);
  if (isNull(data, index)) return null;
  const type = data.type as DataType;
  if (DataType.isTimestamp(type)) {
    const raw = BigInt((data.values as BigInt64Array)[index]!);
    const micros = type.unit === TimeUnit.NANOSECOND ? raw / 1000n - (raw % 1000n < 0n ? 1n : 0n) : raw * MICROS_PER[type.unit]!;
    return formatIsoTimestamp(micros, Boolean(type.timezone));
  }
  if (DataType.isDate(type)) {
    const ms = Number(column.get(row) as number);
    return formatIsoDate(Math.floor(ms / 86_400_000));
  }
  if (DataType.isDecimal(type)) return formatDecimal(unscaledDecimalAt(data, index), type.scale);
  return formatValue(column.get(row), style);
}

/** The JSON text of a cell: numbers (longs and decimals with every digit) stay numbers. */
export function jsonOfCell(column: Vector, row: number): string {
  const text = formatCell(column, row, "exact");
  if (text === null) return "null";
  const type = column.type as DataType;
  const numeric = DataType.isInt(type) || DataType.isDecimal(type) || (DataType.isFloat(type) && Number.isFinite(Number(text)));
  if (numeric || DataType.isBool(type)) return text;
  return JSON.stringify(text);
}
