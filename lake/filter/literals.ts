// Coercing a filter's literals to the type of the column they are compared with, into
// the shared Scalar representation (timestamps as bigint microseconds UTC, dates as day
// numbers, longs as bigint, decimals as their unscaled bigint).
import { fixedLengthOf, type PrimitiveField as Field, type Scalar } from "../schema.js";
import { normalizeUuid } from "../uuid-text.js";
import { decimalLimit, decimalTypeOf, parseDecimal } from "../value-text.js";

export type Literal =
  | { kind: "number"; text: string }
  | { kind: "string"; value: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "date"; value: string }
  | { kind: "timestamp"; value: string }
  | { kind: "null" };

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Microseconds since the epoch of an ISO date or date-time (UTC unless it says otherwise). */
export function parseTimestampMicros(text: string): bigint | undefined {
  const m = DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(d) || Number(mo) > 12 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let micros = BigInt(ms) * 1000n + BigInt((frac + "000000").slice(0, 6));
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    const digits = zone.slice(1).replace(":", "");
    const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
    micros -= sign * offsetMinutes * 60_000_000n;
  }
  return micros;
}

/** Nanoseconds since the epoch of an ISO date-time: every one of up to 9 fractional digits kept. */
export function parseTimestampNanos(text: string): bigint | undefined {
  const micros = parseTimestampMicros(text);
  if (micros === undefined) return undefined;
  const fraction = /\.(\d{1,9})/.exec(text)?.[1] ?? "";
  return micros * 1000n + BigInt((fraction + "000000000").slice(6, 9));
}

/** Microseconds since midnight of "HH:MM[:SS[.ffffff]]". */
export function parseTimeMicros(text: string): bigint | undefined {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$/.exec(text.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) return undefined;
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
  return BigInt(seconds) * 1_000_000n + BigInt(((m[4] ?? "") + "000000").slice(0, 6));
}

export function parseDateDays(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) return undefined;
  const micros = parseTimestampMicros(text);
  return micros === undefined ? undefined : Number(micros / 86_400_000_000n);
}

/** The literal as a value of `field`'s type, or a reason why it cannot be one. */
export function coerceLiteral(literal: Literal, field: Field): { value: Scalar } | { error: string } {
  const describe = () => (literal.kind === "number" ? literal.text : literal.kind === "null" ? "NULL" : `'${String(literal.value)}'`);
  const mismatch = () => ({ error: `cannot compare ${field.type} column "${field.name}" with ${describe()}` });
  if (literal.kind === "null") return { error: `compare with NULL using "${field.name} IS NULL" or "IS NOT NULL"` };
  switch (field.type) {
    case "int":
    case "long": {
      if (literal.kind !== "number" || !/^-?\d+$/.test(literal.text)) return mismatch();
      const big = BigInt(literal.text);
      if (field.type === "int") {
        if (big < -2147483648n || big > 2147483647n) return { error: `${literal.text} is outside the range of int column "${field.name}"` };
        return { value: Number(big) };
      }
      return { value: big };
    }
    case "float":
    case "double":
      return literal.kind === "number" ? { value: Number(literal.text) } : mismatch();
    case "boolean":
      return literal.kind === "boolean" ? { value: literal.value } : mismatch();
    case "string":
      return literal.kind === "string" ? { value: literal.value } : mismatch();
    case "binary":
      return literal.kind === "string" ? { value: new TextEncoder().encode(literal.value) } : mismatch();
    case "date": {
      if (literal.kind !== "string" && literal.kind !== "date") return mismatch();
      const days = parseDateDays(literal.value);
      return days === undefined ? { error: `'${literal.value}' is not a date (use YYYY-MM-DD) for column "${field.name}"` } : { value: days };
    }
    case "timestamp":
    case "timestamptz": {
      if (literal.kind !== "string" && literal.kind !== "date" && literal.kind !== "timestamp") return mismatch();
      const micros = parseTimestampMicros(literal.value);
      return micros === undefined
        ? { error: `'${literal.value}' is not a timestamp (use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS) for column "${field.name}"` }
        : { value: micros };
    }
    case "timestamp_ns":
    case "timestamptz_ns": {
      if (literal.kind !== "string" && literal.kind !== "date" && literal.kind !== "timestamp") return mismatch();
      const nanos = parseTimestampNanos(literal.value);
      return nanos === undefined
        ? { error: `'${literal.value}' is not a timestamp (use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS.fffffffff) for column "${field.name}"` }
        : { value: nanos };
    }
    case "time": {
      if (literal.kind !== "string") return mismatch();
      const micros = parseTimeMicros(literal.value);
      return micros === undefined ? { error: `'${literal.value}' is not a time (use HH:MM:SS) for column "${field.name}"` } : { value: micros };
    }
    case "uuid": {
      if (literal.kind !== "string") return mismatch();
      const uuid = normalizeUuid(literal.value);
      return uuid === undefined ? { error: `'${literal.value}' is not a uuid (8-4-4-4-12 hex digits) for column "${field.name}"` } : { value: uuid };
    }
    default: {
      const length = fixedLengthOf(field.type);
      if (length !== undefined) {
        if (literal.kind !== "string") return mismatch();
        const bytes = new TextEncoder().encode(literal.value);
        return bytes.length === length ? { value: bytes } : { error: `'${literal.value}' is ${bytes.length} bytes; ${field.type} column "${field.name}" holds ${length}` };
      }
      // decimal(P, S): the literal as an unscaled integer at the column's scale, exactly.
      const { precision, scale } = decimalTypeOf(field.type)!;
      if (literal.kind !== "number") return mismatch();
      const unscaled = parseDecimal(literal.text, scale);
      if (unscaled === undefined) return { error: `${literal.text} has more decimal places than ${field.type} column "${field.name}" holds (${scale})` };
      if (unscaled > decimalLimit(precision) || unscaled < -decimalLimit(precision)) return { error: `${literal.text} is outside the range of ${field.type} column "${field.name}"` };
      return { value: unscaled };
    }
  }
}
