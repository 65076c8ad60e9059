// A plan laid out for drawing: each node in a layer one past its deepest input (scans
// in layer 0), so edges always point right (or down, in a terminal). Front ends draw it;
// the layout is theirs to share.
import type { Graph } from "../dag/graph.js";
import type { Plan } from "./plan-run.js";

export interface LaidOutNode {
  key: string;
  name: string;
  kind: "scan" | "ts" | "sql";
  /** "idle": upstream of a reused node, so this run does not need it at all. */
  action: "run" | "reuse" | "idle";
  /** The plan's reason, e.g. "resident", "code-changed"; "not needed" when idle. */
  reason: string;
  layer: number;
  /** Position within the layer, from 0. */
  row: number;
}

export interface DagLayout {
  nodes: LaidOutNode[];
  /** From input key to reader key. */
  edges: Array<{ from: string; to: string }>;
  layers: number;
}

/** The whole DAG of the plan's targets, including nodes the plan can skip. */
export function layoutDag(graph: Graph, plan: Plan): DagLayout {
  const planned = new Map(plan.nodes.map((p) => [p.key, p]));
  const keys = graph.topological(plan.targets);
  const layerOf = new Map<string, number>();
  const edges: DagLayout["edges"] = [];
  // Topological order: every input's layer is known before its reader's.
  for (const key of keys) {
    const inputs = graph.inputsOf(key);
    for (const from of inputs) edges.push({ from, to: key });
    layerOf.set(key, inputs.length ? Math.max(...inputs.map((k) => layerOf.get(k)!)) + 1 : 0);
  }
  const rows = new Map<number, number>();
  const nodes = keys.map((key): LaidOutNode => {
    const node = graph.get(key);
    const p = planned.get(key);
    const layer = layerOf.get(key)!;
    const row = rows.get(layer) ?? 0;
    rows.set(layer, row + 1);
    return { key, name: node.name, kind: node.kind, action: p?.action ?? "idle", reason: p?.reason ?? "not needed", layer, row };
  });
  return { nodes, edges, layers: Math.max(0, ...layerOf.values()) + 1 };
}

/** The layout as indented text: each node, its kind, run or reuse and why, and its inputs. */
export function dagAsText(layout: DagLayout): string {
  const byKey = new Map(layout.nodes.map((n) => [n.key, n]));
  return layout.nodes.map((n) => {
    const inputs = layout.edges.filter((e) => e.to === n.key).map((e) => byKey.get(e.from)!.name);
    return `${"  ".repeat(n.layer)}${n.name} [${n.kind}, ${n.action}: ${n.reason}]${inputs.length ? ` <- ${inputs.join(", ")}` : ""}`;
  }).join("\n");
}
