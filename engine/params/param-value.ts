// A parameter's value: its four types (string, number, date, timestamp), reading a value
// given as text (the command line, `%param`) or as a JavaScript value (a default in a
// cell), and writing it back as a typed literal for SQL, for a scan filter and for a
// TypeScript model's `ctx.params`. One canonical form per value, so equal values print,
// hash and compare the same wherever they were given.
import { quoteLiteral } from "../../columnar/duckdb.js";
import { parseDateDays, parseTimestampMicros } from "../../lake/filter/literals.js";

export type ParamType = "string" | "number" | "date" | "timestamp";
export const PARAM_TYPES: ParamType[] = ["string", "number", "date", "timestamp"];

/** Canonical: a number for "number"; text for the rest (dates "YYYY-MM-DD", timestamps "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC). */
export type ParamValue = string | number;

export class ParamValueError extends Error {
  override name = "ParamValueError";
}

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}/;

/** The type a default implies: numbers, dates ("2023-01-01"), timestamps ("2023-01-01 10:00", a Date), else string. */
export function inferParamType(value: unknown): ParamType | undefined {
  if (typeof value === "number") return "number";
  if (value instanceof Date || Object.prototype.toString.call(value) === "[object Date]") return "timestamp";
  if (typeof value !== "string") return undefined;
  if (DATE_TEXT.test(value.trim()) && parseDateDays(value) !== undefined) return "date";
  if (TIMESTAMP_TEXT.test(value.trim()) && parseTimestampMicros(value) !== undefined) return "timestamp";
  return "string";
}

const show = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : isDate(value) ? `Date ${Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()}` : String(value));
// A Date made in a cell comes from the cells' realm, where `instanceof Date` fails.
const isDate = (value: unknown): value is Date => Object.prototype.toString.call(value) === "[object Date]";

function timestampText(micros: bigint): string {
  const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  const fraction = micros - seconds * 1_000_000n;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace("T", " ");
  return fraction === 0n ? base : `${base}.${String(fraction).padStart(6, "0")}`;
}

/**
 * `raw` as a value of `type`, or a ParamValueError naming the parameter, the value and
 * the type. Text is read as the type says ("10" is a number for a number parameter).
 */
export function readParamValue(name: string, type: ParamType, raw: unknown): ParamValue {
  const bad = (expected: string) => new ParamValueError(`parameter ${name} is a ${type}: ${show(raw)} is not ${expected}`);
  switch (type) {
    case "string":
      if (typeof raw !== "string") throw bad("a string");
      return raw;
    case "number": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && NUMBER_TEXT.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(n)) throw bad("a finite number");
      return n;
    }
    case "date": {
      if (isDate(raw)) {
        const ms = raw.getTime();
        if (Number.isNaN(ms) || ms % 86_400_000 !== 0) throw bad("a date (a Date at midnight UTC, or YYYY-MM-DD)");
        return raw.toISOString().slice(0, 10);
      }
      if (typeof raw !== "string" || !DATE_TEXT.test(raw.trim()) || parseDateDays(raw) === undefined) throw bad("a date (YYYY-MM-DD)");
      return raw.trim();
    }
    case "timestamp": {
      if (isDate(raw)) {
        if (Number.isNaN(raw.getTime())) throw bad("a timestamp");
        return timestampText(BigInt(raw.getTime()) * 1000n);
      }
      const micros = typeof raw === "string" ? parseTimestampMicros(raw) : undefined;
      if (micros === undefined) throw bad("a timestamp (YYYY-MM-DD, or YYYY-MM-DD HH:MM[:SS[.ffffff]] with an optional Z or ±HH:MM)");
      return timestampText(micros);
    }
  }
}

function numberText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? BigInt(value).toString() : String(value);
}

/**
 * The value as a SQL literal of its type. A negative number is parenthesized so that
 * `x-$n` cannot become `x--5` (a comment); text is quoted, never pasted.
 */
export function sqlLiteral(type: ParamType, value: ParamValue): string {
  switch (type) {
    case "string": return quoteLiteral(String(value));
    case "number": return Number(value) < 0 ? `(${numberText(Number(value))})` : numberText(Number(value));
    case "date": return `DATE ${quoteLiteral(String(value))}`;
    case "timestamp": return `TIMESTAMP ${quoteLiteral(String(value))}`;
  }
}

/** The value as a literal of the scan filter language (which has no comments or arithmetic). */
export function filterLiteral(type: ParamType, value: ParamValue): string {
  return type === "number" ? numberText(Number(value)) : sqlLiteral(type, value);
}

/** A JavaScript expression for the value as `ctx.params` hands it to a model: dates and timestamps as Date objects (UTC). */
export function jsValueSource(type: ParamType, value: ParamValue): string {
  switch (type) {
    case "string": return JSON.stringify(value);
    case "number": return numberText(Number(value));
    case "date": return `new Date(${JSON.stringify(`${value}T00:00:00Z`)})`;
    case "timestamp": {
      const micros = parseTimestampMicros(`${value}Z`)!;
      return `new Date(${(micros / 1000n).toString()})`;
    }
  }
}

/** How a value reads to a person: as given for text, plain for numbers. */
export function formatParamValue(value: ParamValue | undefined): string {
  return value === undefined ? "(no value)" : String(value);
}
