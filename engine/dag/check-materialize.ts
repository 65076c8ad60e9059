// A model may not materialize onto a table it reads, directly or through the models
// upstream of it: each run would replace the rows it was computed from (a filter
// materialized onto its own input shrank `transactions` from 10,000 rows to 1,921,
// then again on the next run). `overwriteInput` (SQL: --overwrite-input) says it is meant.
import { parseTableName, qualifiedName, shortTableName } from "../../lake/iceberg/names.js";
import { DefinitionError, type ModelDefinition } from "../model/definition.js";
import { materializeTarget } from "../plan/to-worker-plan.js";
import type { Graph } from "./graph.js";

/** The error of a model (in the graph) that would materialize onto a table it reads; undefined when it would not. */
export function materializeProblem(graph: Graph, d: ModelDefinition): DefinitionError | undefined {
  const target = materializeTarget(d.options.materialize, d.name);
  if (!target || d.options.overwriteInput) return undefined;
  const table = qualifiedName(parseTableName(target));
  // The model itself or the upstream model whose scan reads the target table.
  const reader = graph.topological([`model:${d.name}`]).map((k) => graph.get(k))
    .find((n) => n.kind !== "scan" && Object.values(n.inputs).some((i) => { const input = graph.get(i); return input.kind === "scan" && input.table === table; }));
  if (!reader) return undefined;
  const how = reader.name === d.name ? "which it reads" : `which it reads through model "${reader.name}"`;
  return new DefinitionError("MATERIALIZE_ONTO_INPUT", `model "${d.name}" would materialize onto table ${shortTableName(table)}, ${how}: ` +
    `every run would replace the rows it is computed from. Materialize under another name, or say it is meant with ` +
    `{ overwriteInput: true } (SQL: --overwrite-input)`, d.at);
}
