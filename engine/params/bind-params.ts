// Binding parameters into what a node runs, while the DAG is built: `$name` in a filter
// or SQL becomes the value's typed literal, and a TypeScript model's `params.name` reads
// become the values it will get. Each returns the parameters used with their values, which
// become part of the node's fingerprint. A parameter that is not declared, or has no
// value, is an error naming it and where.
import { nearestName } from "../../lake/iceberg/names.js";
import { DefinitionError, type SourceLocation } from "../model/definition.js";
import type { ParamType, ParamValue } from "./param-value.js";
import { filterLiteral, sqlLiteral } from "./param-value.js";
import type { ResolvedParameters } from "./parameter-set.js";
import { paramsUsedBy } from "./params-used.js";
import { substituteParams, type Dialect } from "./substitute.js";

/** The parameters a node uses, with their values (a node's share of the fingerprint). */
export type UsedParams = Record<string, { type: ParamType; value: ParamValue }>;

function valueOf(params: ResolvedParameters, name: string, who: string, how: string, at: SourceLocation): { type: ParamType; value: ParamValue } {
  const p = params.get(name);
  if (!p) {
    const near = nearestName(name, params.keys());
    throw new DefinitionError("UNKNOWN_PARAMETER", `${who} uses ${how}${name}, which is not a parameter` + (near ? ` (did you mean ${how}${near}?)` : "") +
      (params.size ? `; parameters: ${[...params.keys()].join(", ")}` : `; declare it with Parameter("${name}", default)`), at);
  }
  if (p.value === undefined) {
    throw new DefinitionError("PARAMETER_UNSET", `${who} uses ${how}${name}, which has no value: give one with --param ${name}=…, %param ${name} … or .param ${name} …`, at);
  }
  return { type: p.type, value: p.value };
}

/** `$name` in SQL or a filter replaced by typed literals. */
export function bindText(text: string, dialect: Dialect, params: ResolvedParameters, who: string, at: SourceLocation): { text: string; used: UsedParams } {
  const used: UsedParams = {};
  const bound = substituteParams(text, dialect, ({ name }) => {
    const p = (used[name] ??= valueOf(params, name, who, "$", at));
    return dialect === "sql" ? sqlLiteral(p.type, p.value) : filterLiteral(p.type, p.value);
  });
  return { text: bound.text, used };
}

/** The parameters a TypeScript function reads through `params` (every one with a value when it cannot tell which). */
export function bindFunction(source: string, params: ResolvedParameters, who: string, at: SourceLocation): UsedParams {
  const names = paramsUsedBy(source);
  const used: UsedParams = {};
  if (names === "all") {
    for (const [name, p] of params) if (p.value !== undefined) used[name] = { type: p.type, value: p.value };
    return used;
  }
  for (const name of [...names].sort()) used[name] = valueOf(params, name, who, "params.", at);
  return used;
}
