// `expect(name, { model, severity }, (t) => …)` and the standard checks
// (`expect.notNull("euro_selection", "usd")`, …): register expectations while a cell or
// project file is evaluated. A TypeScript check gets the checked table and returns
// true (pass), false, a message, or the offending rows; a standard check is SQL that
// returns the offending rows. Either runs on the worker after its model, as a node of
// the DAG like any model.
import { activeSink } from "../model/api.js";
import { DefinitionError, type InputRef, type SourceLocation } from "../model/definition.js";
import { checkPurity } from "../model/purity.js";
import {
  acceptedValuesSql, freshnessSql, notNullSql, rangeSql, rowCountSql, uniqueSql, type CheckValue,
} from "./standard-checks.js";

export type Severity = "error" | "warn";

export interface ExpectOptions {
  /** The model (or lake table) checked: its name, or Model("table", { columns, filter }). */
  model: string | InputRef;
  /** "error" (default): a failure fails the run and stops the model's materialization; "warn": reported. */
  severity?: Severity;
}

/** Options every standard check takes last. */
export interface CheckOptions {
  /** The expectation's name (default: model, column and check, e.g. euro_selection_usd_not_null). */
  name?: string;
  severity?: Severity;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function sinkOrThrow() {
  const sink = activeSink();
  if (!sink) throw new Error("expect() registers an expectation while a cell or project file is evaluated; run it through lakeloop");
  return sink;
}

function severityOf(value: unknown, name: string, at: SourceLocation): Severity {
  if (value === undefined) return "error";
  if (value === "error" || value === "warn") return value;
  throw new DefinitionError("BAD_EXPECTATION", `expectation "${name}": severity must be "error" or "warn", got ${JSON.stringify(value)}`, at);
}

function checkName(name: unknown, at: SourceLocation): string {
  if (typeof name !== "string" || !IDENTIFIER.test(name)) {
    throw new DefinitionError("BAD_NAME", `expectation name ${JSON.stringify(name)} must be an identifier (letters, digits, _)`, at);
  }
  return name;
}

/** Registers an expectation written in TypeScript. */
function expectFn(name: string, options: ExpectOptions, fn: (table: import("apache-arrow").Table, ctx: import("../model/api.js").ModelContext) => unknown): void {
  const sink = sinkOrThrow();
  const at = sink.locate(new Error().stack);
  checkName(name, at);
  const ref: InputRef | undefined = typeof options?.model === "string" ? { name: options.model } : options?.model;
  if (!ref || typeof ref.name !== "string" || ref.name.trim() === "") {
    throw new DefinitionError("BAD_EXPECTATION", `expectation "${name}" needs the model it checks: expect("${name}", { model: "name" }, (t) => …)`, at);
  }
  if (typeof fn !== "function") throw new DefinitionError("BAD_EXPECTATION", `expectation "${name}" needs a function as its third argument: (t) => true | false | "message" | rows`, at);
  const source = fn.toString();
  checkPurity(name, source, at);
  sink.add({ kind: "ts", name, inputs: { [ref.name]: { ...ref } }, source, options: {}, at, expect: { model: ref.name, severity: severityOf(options.severity, name, at) } });
}

/** Registers a standard check: SQL over the model returning its offending rows. */
function standard(model: string, column: string | undefined, kind: string, options: CheckOptions | undefined, sql: () => string): void {
  const sink = sinkOrThrow();
  const at = sink.locate(new Error().stack);
  if (typeof model !== "string" || model.trim() === "") throw new DefinitionError("BAD_EXPECTATION", `expect.${kind}: the first argument is the name of the model or table checked`, at);
  if (column !== undefined && (typeof column !== "string" || column === "")) throw new DefinitionError("BAD_EXPECTATION", `expect.${kind}("${model}", …): the second argument is the column checked`, at);
  const name = checkName(options?.name ?? [model.split(".").at(-1), column, kind].filter(Boolean).join("_").replace(/[^A-Za-z0-9_]/g, "_"), at);
  let text: string;
  try {
    text = sql();
  } catch (err) {
    throw new DefinitionError("BAD_EXPECTATION", `expectation "${name}": ${(err as Error).message}`, at);
  }
  sink.add({ kind: "sql", name, sql: text, options: {}, at, expect: { model, severity: severityOf(options?.severity, name, at) } });
}

export const expect = Object.assign(expectFn, {
  /** No NULL in `column`. */
  notNull: (model: string, column: string, options?: CheckOptions) => standard(model, column, "not_null", options, () => notNullSql(model, column)),
  /** No value of `column` twice (NULLs aside). */
  unique: (model: string, column: string, options?: CheckOptions) => standard(model, column, "unique", options, () => uniqueSql(model, column)),
  /** Every value of `column` is one of `values` (NULLs aside). */
  acceptedValues: (model: string, column: string, values: CheckValue[], options?: CheckOptions) =>
    standard(model, column, "accepted_values", options, () => acceptedValuesSql(model, column, values)),
  /** Every value of `column` within [min, max] (either may be left out; `$name` is a parameter). */
  range: (model: string, column: string, bounds: { min?: CheckValue; max?: CheckValue }, options?: CheckOptions) =>
    standard(model, column, "range", options, () => rangeSql(model, column, bounds ?? {})),
  /** The model's row count within [min, max]. */
  rowCount: (model: string, bounds: { min?: number; max?: number }, options?: CheckOptions) =>
    standard(model, undefined, "row_count", options, () => rowCountSql(model, bounds ?? {})),
  /** The newest `column` value no more than `maxAge` ("2 days") before `asOf` (default: now; `$name` is a parameter). */
  freshness: (model: string, column: string, age: { maxAge: string; asOf?: CheckValue }, options?: CheckOptions) =>
    standard(model, column, "freshness", options, () => freshnessSql(model, column, age ?? { maxAge: "" })),
});
