// A table's columns as a reader wants them in a notebook: each column's type in the
// words of the lake (string, long, double, date, timestamp), not Arrow's names, and its
// values as text formatted per column: numbers with grouped digits and one number of
// decimals per column (so decimal points line up), dates and timestamps as ISO 8601.
import { DataType, type Field, type Table } from "apache-arrow";

export interface FormattedColumn {
  name: string;
  /** The lake's word for the type: string, int, long, double, date, timestamp, ... */
  type: string;
  /** Numbers read right-aligned; everything else left. */
  align: "left" | "right";
  /** One formatted cell per shown row; null stands for SQL NULL. */
  cells: Array<string | null>;
}

/** The word a reader of the lake knows for an Arrow type. */
export function typeWord(type: DataType): string {
  if (DataType.isDictionary(type)) return typeWord(type.dictionary);
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) return "string";
  if (DataType.isInt(type)) return type.bitWidth === 64 ? "long" : "int";
  if (DataType.isFloat(type)) return type.precision === 2 ? "double" : "float";
  if (DataType.isDecimal(type)) return `decimal(${type.precision}, ${type.scale})`;
  if (DataType.isBool(type)) return "boolean";
  if (DataType.isDate(type)) return "date";
  if (DataType.isTimestamp(type)) return type.timezone ? "timestamptz" : "timestamp";
  if (DataType.isTime(type)) return "time";
  if (DataType.isBinary(type) || DataType.isLargeBinary(type) || DataType.isFixedSizeBinary(type)) return "binary";
  if (DataType.isNull(type)) return "null";
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) return `list<${typeWord(type.children[0]!.type)}>`;
  if (DataType.isStruct(type)) return "struct";
  if (DataType.isMap(type)) return "map";
  return String(type).toLowerCase();
}

const MAX_DECIMALS = 6;

/** Digits after the point in a number's shortest form (after rounding to MAX_DECIMALS). */
function decimalsOf(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const text = String(Math.round(value * 10 ** MAX_DECIMALS) / 10 ** MAX_DECIMALS);
  if (text.includes("e")) return MAX_DECIMALS;
  const point = text.indexOf(".");
  return point < 0 ? 0 : text.length - point - 1;
}

function formatNumbers(values: unknown[]): string[] {
  const decimals = Math.max(0, ...values.map((v) => (typeof v === "number" ? decimalsOf(v) : 0)));
  const style = { minimumFractionDigits: decimals, maximumFractionDigits: decimals };
  return values.map((v) => (typeof v === "bigint" ? v.toLocaleString("en-US") : Number(v).toLocaleString("en-US", style)));
}

/** Decimals arrive unscaled (12345 with scale 2 is 123.45): place the point, group the digits. */
function formatDecimals(values: unknown[], scale: number): string[] {
  return values.map((v) => {
    const unscaled = BigInt(String(v));
    const negative = unscaled < 0n;
    const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
    const whole = BigInt(digits.slice(0, digits.length - scale)).toLocaleString("en-US");
    return `${negative ? "-" : ""}${whole}${scale ? `.${digits.slice(digits.length - scale)}` : ""}`;
  });
}

/** Microseconds since the epoch of a timestamp value (Arrow gives milliseconds as a number, or a bigint in the type's unit). */
function microsOf(value: unknown, unit: number): number {
  if (typeof value === "bigint") return Number(value) * 10 ** (3 * (2 - unit));
  return Math.round(Number(value) * 1000);
}

/**
 * ISO 8601 in UTC, with as many fractional digits (0, 3 or 6) as the column needs, and a
 * "Z" only on instants (timestamptz): a timestamp without a zone is a local date-time.
 */
function formatTimestamps(values: unknown[], unit: number, instant: boolean): string[] {
  const micros = values.map((v) => microsOf(v, unit));
  const digits = micros.some((m) => m % 1000 !== 0) ? 6 : micros.some((m) => m % 1_000_000 !== 0) ? 3 : 0;
  return micros.map((m) => {
    const seconds = Math.floor(m / 1_000_000);
    const fraction = String(m - seconds * 1_000_000).padStart(6, "0").slice(0, digits);
    return `${new Date(seconds * 1000).toISOString().slice(0, 19)}${digits ? `.${fraction}` : ""}${instant ? "Z" : ""}`;
  });
}

function formatDates(values: unknown[]): string[] {
  return values.map((v) => new Date(Number(v)).toISOString().slice(0, 10));
}

function formatOther(values: unknown[]): string[] {
  return values.map((v) => (v instanceof Uint8Array ? `0x${Buffer.from(v).toString("hex")}` : typeof v === "object" ? JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) : String(v)));
}

function formatColumn(field: Field, values: unknown[]): Array<string | null> {
  const present = values.filter((v) => v !== null && v !== undefined);
  const type = DataType.isDictionary(field.type) ? field.type.dictionary : field.type;
  const texts = DataType.isInt(type) || DataType.isFloat(type) ? formatNumbers(present)
    : DataType.isDecimal(type) ? formatDecimals(present, type.scale)
        : DataType.isTimestamp(type) ? formatTimestamps(present, type.unit, Boolean(type.timezone))
        : DataType.isDate(type) ? formatDates(present)
          : formatOther(present);
  let next = 0;
  return values.map((v) => (v === null || v === undefined ? null : texts[next++]!));
}

/** The first `limit` rows of `table`, formatted column by column. */
export function formatColumns(table: Table, limit: number): FormattedColumn[] {
  const rows = Math.min(limit, table.numRows);
  return table.schema.fields.map((field) => {
    const vector = table.getChild(field.name)!;
    const values = Array.from({ length: rows }, (_, i) => vector.get(i) as unknown);
    const type = DataType.isDictionary(field.type) ? field.type.dictionary : field.type;
    const numeric = DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type);
    return { name: field.name, type: typeWord(field.type), align: numeric ? "right" : "left", cells: formatColumn(field, values) };
  });
}

/** "1 row", "20,000 rows". */
export function countOf(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}
