// Planning a run: the nodes the targets need, each marked run or reuse and why —
// never run, code changed, options changed, a parameter changed (named, with its old and
// new value), an input changed (named), a new snapshot, evicted from the worker, or the
// cache turned off for the run — decided from fingerprints and residency only.
import type { Graph, GraphNode } from "../dag/graph.js";
import type { RunReason } from "../../protocol/plan.js";
import type { NodeParts } from "./fingerprint.js";

export interface PlannedNode {
  key: string;
  node: GraphNode;
  parts: NodeParts;
  action: "run" | "reuse";
  reason: RunReason;
  detail?: string;
}

export interface Plan {
  nodes: PlannedNode[];
  targets: string[];
}

/** What changed in the values of the parameters a node uses: "start 2023-01-01 -> 2023-02-01". */
function paramChanges(before: NodeParts["params"] = {}, now: NodeParts["params"] = {}): string | undefined {
  const names = [...new Set([...Object.keys(before), ...Object.keys(now)])].filter((n) => before[n] !== now[n]);
  return names.length ? names.map((n) => `${n} ${before[n] ?? "(unused)"} -> ${now[n] ?? "(unused)"}`).join(", ") : undefined;
}

/** `cacheOff`: nothing is reused, resident or not (`lakeloop run --cache off`). */
export function planRun(graph: Graph, parts: Map<string, NodeParts>, targets: string[], resident: (fingerprint: string) => boolean, previous: Map<string, NodeParts>, options: { cacheOff?: boolean } = {}): Plan {
  const all: PlannedNode[] = [];
  for (const key of graph.topological(targets)) {
    const node = graph.get(key);
    const now = parts.get(key)!;
    const before = previous.get(key);
    let reason: RunReason;
    let detail: string | undefined;
    if (resident(now.fingerprint)) reason = options.cacheOff ? "cache-off" : "resident";
    else if (!before) reason = "never-run";
    else if (before.fingerprint === now.fingerprint) reason = "evicted";
    else if (node.kind === "scan" && before.code === now.code) {
      reason = "new-snapshot";
      detail = `snapshot ${before.snapshotId} -> ${now.snapshotId}`;
    } else if (before.code !== now.code) reason = "code-changed";
    else if (before.options !== now.options) reason = "options-changed";
    else if ((detail = paramChanges(before.params, now.params))) reason = "param-changed";
    else {
      reason = "input-changed";
      const changed = Object.keys(now.inputs).filter((name) => before.inputs[name] !== now.inputs[name]);
      detail = `input ${changed.map((name) => graph.get((node as { inputs: Record<string, string> }).inputs[name]!).name).join(", ")} changed`;
    }
    all.push({ key, node, parts: now, action: reason === "resident" ? "reuse" : "run", reason, detail });
  }
  // Only what the targets need: a reused node's own inputs are not needed at all.
  const byKey = new Map(all.map((p) => [p.key, p]));
  const needed = new Set<string>();
  const need = (key: string): void => {
    if (needed.has(key)) return;
    needed.add(key);
    if (byKey.get(key)!.action === "run") graph.inputsOf(key).forEach(need);
  };
  targets.forEach(need);
  return { nodes: all.filter((p) => needed.has(p.key)), targets };
}
