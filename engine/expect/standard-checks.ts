// The standard expectations as SQL that returns the offending rows: not null, unique,
// accepted values, range, row count, freshness. Names are quoted as identifiers and
// values written as literals, never pasted; a value written `$name` is a parameter.
import { quoteIdent, quoteLiteral } from "../../columnar/duckdb.js";

export type CheckValue = string | number | boolean;

const PARAM_REF = /^\$[A-Za-z_][A-Za-z0-9_]*$/;
const INTERVAL = /^\s*(\d+)\s+(second|minute|hour|day|week|month|year)s?\s*$/i;

/** A value as SQL: a parameter reference as it is (bound later), numbers and booleans plain, text quoted. */
export function valueSql(value: CheckValue, what: string): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${what} must be a finite number, got ${value}`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "string") return PARAM_REF.test(value) ? value : quoteLiteral(value);
  throw new TypeError(`${what} must be a string, number or boolean, got ${value === null ? "null" : typeof value}`);
}

/** "2 days" as `INTERVAL '2 days'`. */
export function intervalSql(text: string, what: string): string {
  const m = typeof text === "string" ? INTERVAL.exec(text) : null;
  if (!m) throw new TypeError(`${what} must read like "2 days" or "12 hours" (second, minute, hour, day, week, month, year), got ${JSON.stringify(text)}`);
  return `INTERVAL ${quoteLiteral(`${m[1]} ${m[2]!.toLowerCase()}`)}`;
}

const from = (model: string) => quoteIdent(model);

export function notNullSql(model: string, column: string): string {
  return `SELECT * FROM ${from(model)} WHERE ${quoteIdent(column)} IS NULL`;
}

export function uniqueSql(model: string, column: string): string {
  const c = quoteIdent(column);
  return `SELECT ${c}, count(*) AS copies FROM ${from(model)} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1`;
}

export function acceptedValuesSql(model: string, column: string, values: CheckValue[]): string {
  if (!Array.isArray(values) || values.length === 0) throw new TypeError("the accepted values must be a non-empty list");
  return `SELECT * FROM ${from(model)} WHERE ${quoteIdent(column)} NOT IN (${values.map((v, i) => valueSql(v, `accepted value ${i + 1}`)).join(", ")})`;
}

export function rangeSql(model: string, column: string, bounds: { min?: CheckValue; max?: CheckValue }): string {
  const c = quoteIdent(column);
  const outside = [
    ...(bounds.min !== undefined ? [`${c} < ${valueSql(bounds.min, "min")}`] : []),
    ...(bounds.max !== undefined ? [`${c} > ${valueSql(bounds.max, "max")}`] : []),
  ];
  if (outside.length === 0) throw new TypeError("a range needs min, max or both");
  return `SELECT * FROM ${from(model)} WHERE ${outside.join(" OR ")}`;
}

export function rowCountSql(model: string, bounds: { min?: number; max?: number }): string {
  const outside = [
    ...(bounds.min !== undefined ? [`count(*) < ${valueSql(bounds.min, "min")}`] : []),
    ...(bounds.max !== undefined ? [`count(*) > ${valueSql(bounds.max, "max")}`] : []),
  ];
  if (outside.length === 0) throw new TypeError("a row count needs min, max or both");
  return `SELECT count(*) AS row_count FROM ${from(model)} HAVING ${outside.join(" OR ")}`;
}

/** The newest value of `column` must be at most `maxAge` older than `asOf` (default: the time of the check). */
export function freshnessSql(model: string, column: string, options: { maxAge: string; asOf?: CheckValue }): string {
  const c = quoteIdent(column);
  const asOf = options.asOf === undefined ? "now()::TIMESTAMP" : `CAST(${valueSql(options.asOf, "asOf")} AS TIMESTAMP)`;
  return `SELECT max(${c}) AS newest FROM ${from(model)} HAVING max(${c}) IS NULL OR max(${c}) < ${asOf} - ${intervalSql(options.maxAge, "maxAge")}`;
}
