// A session's parameters: what the cells or project files declared (name, type,
// default, where), and the values given since (`--param`, `%param`, `.param`). A given
// value is checked against the parameter's type when it is given and again whenever the
// DAG is built, so a parameter declared again with another type never runs with a value
// of the old one.
import { nearestName } from "../../lake/iceberg/names.js";
import { DefinitionError, type SourceLocation } from "../model/definition.js";
import { formatParamValue, readParamValue, type ParamType, type ParamValue } from "./param-value.js";

export interface ParameterDefinition {
  name: string;
  type: ParamType;
  default?: ParamValue;
  at: SourceLocation;
}

/** A parameter as the DAG sees it: its type and the value in effect (none when it has no default and none was given). */
export interface ResolvedParameter {
  type: ParamType;
  value: ParamValue | undefined;
  /** Where the value came from. */
  source: "default" | "given" | "none";
  at: SourceLocation;
}

export type ResolvedParameters = Map<string, ResolvedParameter>;

export class ParameterSet {
  readonly #byCell = new Map<string, ParameterDefinition[]>();
  /** Values given since, as given (checked against the type in effect when resolved). */
  readonly #given = new Map<string, unknown>();

  /** Replaces what a cell declared. `redefine: "replace"` moves a name declared in another cell here. */
  setCell(cell: string, declared: ParameterDefinition[], redefine: "replace" | "error"): void {
    if (redefine === "replace") {
      const names = new Set(declared.map((p) => p.name));
      for (const [other, list] of this.#byCell) if (other !== cell) this.#byCell.set(other, list.filter((p) => !names.has(p.name)));
    }
    if (declared.length) this.#byCell.set(cell, declared);
    else this.#byCell.delete(cell);
  }

  removeCell(cell: string): void {
    this.#byCell.delete(cell);
  }

  /** What the cells declared, to put back when a cell is refused (Session.defineCell). */
  snapshot(): Map<string, ParameterDefinition[]> {
    return new Map(this.#byCell);
  }

  restore(declared: Map<string, ParameterDefinition[]>): void {
    this.#byCell.clear();
    for (const [cell, list] of declared) this.#byCell.set(cell, list);
  }

  declarations(): ParameterDefinition[] {
    return [...this.#byCell.values()].flat();
  }

  #declaration(name: string): ParameterDefinition {
    const found = this.declarations().find((p) => p.name === name);
    if (found) return found;
    const names = this.declarations().map((p) => p.name);
    const near = nearestName(name, names);
    throw new DefinitionError("UNKNOWN_PARAMETER", `no parameter named ${name}` + (near ? ` (did you mean ${near}?)` : "") +
      (names.length ? `; parameters: ${names.join(", ")}` : `; declare one with Parameter("${name}", default)`));
  }

  /** Gives a parameter a value (text from a command line, or a value); checked against its type now. */
  set(name: string, raw: unknown): ParamValue {
    const declared = this.#declaration(name);
    const value = readParamValue(name, declared.type, raw);
    this.#given.set(name, raw);
    return value;
  }

  /** Forgets a given value: the default is in effect again. */
  reset(name: string): void {
    this.#declaration(name);
    this.#given.delete(name);
  }

  /** Every declared parameter with the value in effect; a declared-twice name or a given value of the wrong type fails here. */
  resolve(): ResolvedParameters {
    const out: ResolvedParameters = new Map();
    for (const p of this.declarations()) {
      const earlier = out.get(p.name);
      if (earlier) throw new DefinitionError("DUPLICATE_PARAMETER", `parameter ${p.name} is declared twice: here and at ${earlier.at.cell}:${earlier.at.line}`, p.at);
      const given = this.#given.has(p.name);
      let value: ParamValue | undefined;
      try {
        value = given ? readParamValue(p.name, p.type, this.#given.get(p.name)) : p.default;
      } catch (err) {
        throw new DefinitionError("BAD_PARAMETER_VALUE", `${(err as Error).message} (the value given earlier no longer fits the declaration here)`, p.at);
      }
      out.set(p.name, { type: p.type, value, source: given ? "given" : value === undefined ? "none" : "default", at: p.at });
    }
    return out;
  }

  /** One line per parameter (or for `name` alone): name, type, value in effect, default, where declared. */
  describe(name?: string): string {
    if (name !== undefined) this.#declaration(name);
    const resolved = this.resolve();
    if (resolved.size === 0) return "no parameters yet; declare one with Parameter(\"name\", default)";
    const width = Math.max(...[...resolved.keys()].map((n) => n.length));
    return [...resolved].filter(([n]) => name === undefined || n === name).map(([name, p]) => {
      const declared = this.declarations().find((d) => d.name === name)!;
      const note = p.source === "given" ? `  (default ${formatParamValue(declared.default)})` : p.source === "default" ? "  (default)" : "";
      return `${name.padEnd(width)}  ${p.type.padEnd(9)}  ${formatParamValue(p.value)}${note}  ${p.at.cell}:${p.at.line}`;
    }).join("\n");
  }
}
