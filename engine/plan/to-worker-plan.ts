// The plan as the worker receives it: plain JSON, node ids = fingerprints, inputs by
// the names the node's code uses, scans pinned to their snapshot, TS models as ES
// module source whose default export is the model's function, SQL with its parameters
// bound, expectations marked with the node they check and whether they block;
// materializations go to the session's branch.
import { randomUUID } from "node:crypto";
import type { PlanNode, ScanSpec, WorkerPlan } from "../../protocol/plan.js";
import type { ScanNode } from "../dag/graph.js";
import { formatFilter } from "../../lake/filter/format-filter.js";
import type { Plan } from "./plan-run.js";
import { moduleSourceOf } from "./model-source.js";

export interface WorkerPlanOptions {
  /** Every expectation blocks, warnings included (`lakeloop run --strict`). */
  strict?: boolean;
  /** Reuse nothing and read every scan from the object store (`lakeloop run --cache off`). */
  cacheOff?: boolean;
}

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

export function toWorkerPlan(plan: Plan, parts: Map<string, { fingerprint: string }>, branch = "main", options: WorkerPlanOptions = {}): WorkerPlan {
  const fp = (key: string) => parts.get(key)!.fingerprint;
  return {
    planId: randomUUID(),
    targets: plan.targets.map(fp),
    ...(options.cacheOff ? { cache: "off" as const } : {}),
    nodes: plan.nodes.map((p): PlanNode => {
      const base = { id: p.parts.fingerprint, name: p.node.name, action: p.action, reason: p.reason, ...(p.detail ? { detail: p.detail } : {}) };
      if (p.node.kind === "scan") {
        return { ...base, kind: "scan", inputs: {}, scan: { ...scanSpecOf(p.node), ...(options.cacheOff ? { cache: "off" as const } : {}) } };
      }
      const inputs = Object.fromEntries(Object.entries(p.node.inputs).map(([name, key]) => [name, fp(key)]));
      const table = materializeTarget(p.node.definition.options.materialize, p.node.name);
      const materialize = table ? { materialize: { table, ...(branch !== "main" ? { branch } : {}) } } : {};
      const check = p.node.check;
      const expectation = check ? { expectation: { model: fp(check.of), blocking: check.severity === "error" || options.strict === true } } : {};
      if (p.node.kind === "sql") return { ...base, kind: "sql", inputs, sql: { query: p.node.query ?? p.node.definition.sql }, ...materialize, ...expectation };
      const { runtime, timeoutMs, memoryMb } = p.node.definition.options;
      return {
        ...base, kind: "ts", inputs, ...materialize, ...expectation,
        ts: {
          name: p.node.name,
          code: moduleSourceOf(p.node),
          ...(runtime?.npm ? { runtime: { npm: runtime.npm } } : {}),
          ...(timeoutMs ? { timeoutMs } : {}),
          ...(memoryMb ? { memoryMb } : {}),
        },
      };
    }),
  };
}
