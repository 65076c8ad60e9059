// `Parameter(name, default)` and `Parameter(name, { type, default })`: declares a
// parameter while a cell or project file is evaluated. Models use it as `$name` in
// filters and SQL, and as `params.name` in a TypeScript model's second argument. The
// returned handle prints as `$name`, so a template literal can write it into a filter.
import { activeSink } from "../model/api.js";
import { DefinitionError } from "../model/definition.js";
import { inferParamType, PARAM_TYPES, ParamValueError, readParamValue, type ParamType, type ParamValue } from "./param-value.js";

export interface ParameterHandle {
  readonly name: string;
  readonly type: ParamType;
  readonly default: ParamValue | undefined;
  /** `$name`: what filters and SQL write. */
  toString(): string;
}

export type ParameterSpec = { type: ParamType; default?: unknown };

const isSpec = (value: unknown): value is ParameterSpec =>
  typeof value === "object" && value !== null && Object.prototype.toString.call(value) === "[object Object]" && "type" in value;

/** Declares a parameter: string, number, date or timestamp, inferred from the default or declared. */
export function Parameter(name: string, defaultOrSpec?: unknown): ParameterHandle {
  const sink = activeSink();
  if (!sink?.addParameter) throw new Error("Parameter() declares a parameter while a cell or project file is evaluated; run it through lakeloop");
  const at = sink.locate(new Error().stack);
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new DefinitionError("BAD_NAME", `parameter name ${JSON.stringify(name)} must be an identifier (letters, digits, _)`, at);
  }
  let type: ParamType | undefined;
  let raw: unknown;
  if (isSpec(defaultOrSpec)) {
    type = defaultOrSpec.type;
    raw = defaultOrSpec.default;
    if (!PARAM_TYPES.includes(type)) throw new DefinitionError("BAD_PARAMETER", `Parameter("${name}"): type ${JSON.stringify(type)} is not one of ${PARAM_TYPES.join(", ")}`, at);
  } else {
    raw = defaultOrSpec;
    type = inferParamType(raw);
    if (!type) {
      throw new DefinitionError("BAD_PARAMETER", `Parameter("${name}", ${String(raw)}): the default is a ${raw === undefined ? "missing value" : typeof raw}; ` +
        `give a string, number, date or timestamp, or declare the type: Parameter("${name}", { type: "date" })`, at);
    }
  }
  let value: ParamValue | undefined;
  try {
    value = raw === undefined ? undefined : readParamValue(name, type, raw);
  } catch (err) {
    if (err instanceof ParamValueError) throw new DefinitionError("BAD_PARAMETER_VALUE", `the default of ${err.message}`, at);
    throw err;
  }
  sink.addParameter({ name, type, ...(value === undefined ? {} : { default: value }), at });
  return Object.freeze({ name, type, default: value, toString: () => `$${name}` });
}
