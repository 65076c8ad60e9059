// The public model API: `model(name, inputs, fn, options?)` and `Model(name, scan?)`.
// Calling `model` only registers a definition with whoever is collecting them (a cell
// being evaluated, a project file being loaded); it never runs anything.
import type { InputRef, ModelDefinition, ModelOptions, SourceLocation } from "./definition.js";
import { DefinitionError } from "./definition.js";
import { checkPurity } from "./purity.js";
import type { ParameterDefinition } from "../params/parameter-set.js";

export type { InputRef, ModelOptions } from "./definition.js";

/** Who receives definitions right now, and how to find the calling line. */
export interface DefinitionSink {
  add(definition: ModelDefinition): void;
  /** Parameters declared with `Parameter(...)` (engine/params/declare.ts). */
  addParameter?(parameter: ParameterDefinition): void;
  /** The cell location of the caller, from a stack trace. */
  locate(stack: string | undefined): SourceLocation;
}

let sink: DefinitionSink | undefined;

/** Who receives definitions right now (for the other declaring functions: Parameter, expect). */
export function activeSink(): DefinitionSink | undefined {
  return sink;
}

/** Runs `fn` with `model(...)` registering into `target`. */
export async function collectDefinitions<T>(target: DefinitionSink, fn: () => Promise<T> | T): Promise<T> {
  const previous = sink;
  sink = target;
  try {
    return await fn();
  } finally {
    sink = previous;
  }
}

/** What a model's function gets besides its inputs. */
export interface ModelContext {
  arrow: typeof import("apache-arrow");
  log: (...args: unknown[]) => void;
  /** The parameters the model reads (`params.start`): strings, numbers, and Dates (UTC) for dates and timestamps. */
  params: Readonly<Record<string, string | number | Date>>;
}

export interface ScanOptions {
  columns?: string[];
  filter?: string;
  /** Time travel: the snapshot id to read (a number, or its digits when it is beyond 2^53) ... */
  snapshot?: number | bigint | string;
  /** ... or the snapshot that was current at this instant ... */
  asOf?: string | Date | number;
  /** ... or the snapshot a branch or tag points at. */
  ref?: string;
}

/** What a time-travel option pins a scan to, checked and in the definition's plain form. */
function pinOf(scan: ScanOptions): Pick<InputRef, "snapshot" | "asOf" | "ref"> {
  const given = (["snapshot", "asOf", "ref"] as const).filter((k) => scan[k] !== undefined);
  if (given.length > 1) throw new TypeError(`Model(...) takes one of snapshot, asOf and ref, not ${given.join(" and ")}`);
  if (scan.snapshot !== undefined) {
    const digits = String(scan.snapshot);
    if (!/^\d+$/.test(digits)) throw new TypeError(`Model(...) snapshot must be a snapshot id (digits), not ${JSON.stringify(scan.snapshot)}`);
    return { snapshot: digits };
  }
  if (scan.asOf !== undefined) {
    const ms = scan.asOf instanceof Date ? scan.asOf.getTime() : typeof scan.asOf === "number" ? scan.asOf : Date.parse(scan.asOf);
    if (!Number.isFinite(ms)) throw new TypeError(`Model(...) asOf must be an instant such as "2023-06-01T00:00:00Z", not ${JSON.stringify(scan.asOf)}`);
    return { asOf: new Date(ms).toISOString() };
  }
  if (scan.ref !== undefined) {
    if (typeof scan.ref !== "string" || scan.ref === "") throw new TypeError("Model(...) ref must name a branch or tag");
    return { ref: scan.ref };
  }
  return {};
}

/** A declared input: a lake table (with the columns and rows to scan, at a snapshot) or another model. */
export function Model(name: string, scan: ScanOptions = {}): InputRef {
  if (typeof name !== "string" || name.trim() === "") throw new TypeError("Model(name) needs the name of a table or a model");
  return { name, ...(scan.columns ? { columns: [...scan.columns] } : {}), ...(scan.filter ? { filter: scan.filter } : {}), ...pinOf(scan ?? {}) };
}

/** Registers a TypeScript model: a pure function of its inputs (Arrow tables) to a table. */
export function model<I extends Record<string, InputRef>>(
  name: string,
  inputs: I,
  fn: (inputs: { [K in keyof I]: import("apache-arrow").Table }, ctx: ModelContext) => unknown,
  options: ModelOptions = {},
): void {
  if (!sink) throw new Error("model() registers definitions while a cell or project file is evaluated; run it through lakeloop");
  const at = sink.locate(new Error().stack);
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new DefinitionError("BAD_NAME", `model name ${JSON.stringify(name)} must be an identifier (letters, digits, _)`, at);
  }
  if (typeof fn !== "function") throw new DefinitionError("BAD_MODEL", `model "${name}" needs a function as its third argument`, at);
  for (const [param, ref] of Object.entries(inputs ?? {})) {
    if (!ref || typeof ref !== "object" || typeof ref.name !== "string") {
      throw new DefinitionError("BAD_INPUT", `input "${param}" of model "${name}" must be Model("table or model name", ...)`, at);
    }
  }
  const source = fn.toString();
  checkPurity(name, source, at);
  sink.add({ kind: "ts", name, inputs: { ...inputs }, source, options: { ...options }, at });
}
