// What an expectation's node checks, found while the DAG is built: a TypeScript
// expectation's one input; a SQL expectation's --model, or the one model or table its
// query reads. Expectations are checks, not data: nothing may read one.
import { DefinitionError, type ModelDefinition } from "../model/definition.js";
import type { CheckOf } from "../dag/graph.js";

/** The node an expectation checks (undefined for a model). `inputs`: its inputs as resolved, name -> node key. */
export function checkOf(d: ModelDefinition, inputs: Record<string, string>): CheckOf | undefined {
  if (!d.expect) return undefined;
  const names = Object.keys(inputs);
  const wanted = d.kind === "ts" ? names[0] : d.expect.model;
  if (wanted === undefined) {
    if (names.length === 1) return { of: inputs[names[0]!]!, target: names[0]!, severity: d.expect.severity };
    throw new DefinitionError("EXPECT_MODEL", names.length === 0
      ? `expectation "${d.name}" reads no model or table: its query returns the offending rows of the model it checks`
      : `expectation "${d.name}" reads ${names.join(", ")}: name the one it checks with --model`, d.at);
  }
  const found = names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  if (found === undefined) {
    throw new DefinitionError("EXPECT_MODEL", `expectation "${d.name}" checks ${wanted} (--model) but its query does not read it` +
      (names.length ? `; it reads ${names.join(", ")}` : ""), d.at);
  }
  return { of: inputs[found]!, target: found, severity: d.expect.severity };
}

/** Refuses a model (or expectation) that reads an expectation. */
export function refuseReadingExpectation(read: ModelDefinition | undefined, reader: ModelDefinition): void {
  if (!read?.expect) return;
  throw new DefinitionError("READS_EXPECTATION", `${reader.expect ? "expectation" : "model"} "${reader.name}" reads "${read.name}", which is an expectation: ` +
    `a check of ${read.expect.model ?? "a model"}, not a model; read ${read.expect.model ?? "the model it checks"} instead`, reader.at);
}
