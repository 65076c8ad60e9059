// Which expectations a run brings along: those checking a model the run's targets need,
// or a lake table they scan. Running a model runs its checks; a model's materialization
// can then wait for them.
import type { Graph } from "../dag/graph.js";

/** The target keys plus the keys of the expectations on anything they need. */
export function withChecks(graph: Graph, keys: string[]): string[] {
  const needed = graph.topological(keys).map((k) => graph.get(k));
  const models = new Set(needed.filter((n) => n.kind !== "scan").map((n) => n.name.toLowerCase()));
  const tables = new Set(needed.flatMap((n) => (n.kind === "scan" ? [n.table.toLowerCase(), n.table.split(".").at(-1)!.toLowerCase()] : [])));
  const out = [...keys];
  for (const node of graph.nodes.values()) {
    if (node.kind === "scan" || !node.check || out.includes(node.key)) continue;
    const of = graph.get(node.check.of);
    const checked = of.kind === "scan" ? tables.has(of.table.toLowerCase()) : models.has(of.name.toLowerCase());
    if (checked) out.push(node.key);
  }
  return out;
}
