// The plan as the worker receives it: plain JSON, node ids = fingerprints, inputs by
// the names the node's code uses, scans pinned to their snapshot, TS models as ES
// module source whose default export is the model's function; materializations go
// to the session's branch.
import { randomUUID } from "node:crypto";
import type { PlanNode, ScanSpec, WorkerPlan } from "../../protocol/plan.js";
import type { ScanNode } from "../dag/graph.js";
import { formatFilter } from "../../lake/filter/format-filter.js";
import type { Plan } from "./plan-run.js";

export function materializeTarget(materialize: boolean | string | undefined, name: string): string | undefined {
  if (!materialize) return undefined;
  return materialize === true ? name : materialize;
}

/** The one place a scan node becomes the worker's scan request. */
export function scanSpecOf(node: ScanNode): ScanSpec {
  return {
    table: node.table, tableUuid: node.tableUuid, snapshotId: node.snapshotId, columns: node.columns,
    ...(node.filter ? { filter: formatFilter(node.filter.expr) } : {}),
  };
}

export function toWorkerPlan(plan: Plan, parts: Map<string, { fingerprint: string }>, branch = "main"): WorkerPlan {
  const fp = (key: string) => parts.get(key)!.fingerprint;
  return {
    planId: randomUUID(),
    targets: plan.targets.map(fp),
    nodes: plan.nodes.map((p): PlanNode => {
      const base = { id: p.parts.fingerprint, name: p.node.name, action: p.action, reason: p.reason, ...(p.detail ? { detail: p.detail } : {}) };
      if (p.node.kind === "scan") {
        return { ...base, kind: "scan", inputs: {}, scan: scanSpecOf(p.node) };
      }
      const inputs = Object.fromEntries(Object.entries(p.node.inputs).map(([name, key]) => [name, fp(key)]));
      const table = materializeTarget(p.node.definition.options.materialize, p.node.name);
      const materialize = table ? { materialize: { table, ...(branch !== "main" ? { branch } : {}) } } : {};
      if (p.node.kind === "sql") return { ...base, kind: "sql", inputs, sql: { query: p.node.query ?? p.node.definition.sql }, ...materialize };
      const { runtime, timeoutMs, memoryMb } = p.node.definition.options;
      return {
        ...base, kind: "ts", inputs, ...materialize,
        ts: {
          name: p.node.name,
          code: `export default (${p.node.definition.source});\n`,
          ...(runtime?.npm ? { runtime: { npm: runtime.npm } } : {}),
          ...(timeoutMs ? { timeoutMs } : {}),
          ...(memoryMb ? { memoryMb } : {}),
        },
      };
    }),
  };
}
