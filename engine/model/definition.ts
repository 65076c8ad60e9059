// What a cell or a project file defines: models, each with its inputs (lake tables or
// other models), its code (a TypeScript function's source, or SQL) and its options,
// and where it was written so that every error can point there.

export interface SourceLocation {
  /** Cell id or file path. */
  cell: string;
  /** 1-based line within the cell or file. */
  line: number;
}

/** An input as declared: `Model("transactions", { columns, filter })` or `Model("euro_selection")`. */
export interface InputRef {
  name: string;
  columns?: string[];
  filter?: string;
  /** Time travel (lake tables): read this snapshot id ... */
  snapshot?: string;
  /** ... or the snapshot current at this instant (ISO 8601, e.g. "2023-06-01T00:00:00Z") ... */
  asOf?: string;
  /** ... or the snapshot a branch or tag points at. */
  ref?: string;
}

export interface ModelOptions {
  /** Write the output to the lake: true for table "default.<name>", or a table name. */
  materialize?: boolean | string;
  /** Allow materializing onto a table the model reads (directly or upstream); refused otherwise. */
  overwriteInput?: boolean;
  runtime?: { npm?: Record<string, string> };
  timeoutMs?: number;
  memoryMb?: number;
}

/**
 * An expectation: a check of a model's (or a lake table's) output whose result is the
 * offending rows (none: it passes). `severity: "error"` fails the run and stops the
 * checked model's materialization; "warn" reports. Not part of the fingerprint (an effect).
 */
export interface ExpectationOptions {
  /** The model or lake table checked; a SQL expectation reading one model or table may leave it to be found. */
  model?: string;
  severity: "error" | "warn";
}

export interface TsModelDefinition {
  kind: "ts";
  name: string;
  inputs: Record<string, InputRef>;
  /** The function's JavaScript source (transpiled, comments removed). */
  source: string;
  /** The cell line where the function's source begins (for mapping its stack traces). */
  sourceLine?: number;
  /** The cell line of each line of `source` (the transpiler may split a line in two). */
  sourceLines?: number[];
  /** Where each input's filter is written (its error points there), by input name. */
  filterAt?: Record<string, SourceLocation>;
  options: ModelOptions;
  at: SourceLocation;
  /** Set for `expect(...)`: the function takes the checked table and returns true/false, a message, or the offending rows. */
  expect?: ExpectationOptions;
}

export interface SqlModelDefinition {
  kind: "sql";
  name: string;
  sql: string;
  options: ModelOptions;
  at: SourceLocation;
  /** Set for a `%%expect` cell or a standard check: the query returns the offending rows. */
  expect?: ExpectationOptions;
}

export type ModelDefinition = TsModelDefinition | SqlModelDefinition;

export class DefinitionError extends Error {
  override name = "DefinitionError";
  /** `cause`: what the cell threw, when a cell failed as it ran (code CELL_FAILED). */
  constructor(readonly code: string, message: string, readonly at?: SourceLocation, cause?: unknown) {
    super(at ? `${at.cell}:${at.line}: ${message}` : message, cause === undefined ? undefined : { cause });
  }
}

/**
 * A definition error at a line inside a model's own function. Where the error is raised
 * only the `model(` call's line is known; the cell that ran the function knows where its
 * text starts (engine/cells/ts-cell.ts) and moves the error to the right line.
 */
export class ModelSourceError extends DefinitionError {
  constructor(code: string, readonly detail: string, call: SourceLocation, readonly source: string, readonly lineInSource: number) {
    super(code, detail, { cell: call.cell, line: call.line + lineInSource });
  }
}
