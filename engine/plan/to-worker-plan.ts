// The plan as the worker receives it: plain JSON, node ids = fingerprints, inputs by
// the names the node's code uses, scans pinned to their snapshot, TS models as ES
// module source whose default export is the model's function, SQL with its parameters
// bound, expectations marked with the node they check and whether they block.
import { randomUUID } from "node:crypto";
import type { WorkerPlan } from "../../worker/plan.js";
import { moduleSourceOf } from "./model-source.js";
import type { Plan } from "./plan-run.js";

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

export function toWorkerPlan(plan: Plan, parts: Map<string, { fingerprint: string }>, options: WorkerPlanOptions = {}): WorkerPlan {
  const fp = (key: string) => parts.get(key)!.fingerprint;
  return {
    protocol: 1,
    planId: randomUUID(),
    targets: plan.targets.map(fp),
    ...(options.cacheOff ? { cache: "off" as const } : {}),
    nodes: plan.nodes.map((p) => {
      const base = { id: p.parts.fingerprint, name: p.node.name, kind: p.node.kind, action: p.action, reason: p.reason, ...(p.detail ? { detail: p.detail } : {}) };
      if (p.node.kind === "scan") {
        return { ...base, inputs: {}, scan: { table: p.node.table, snapshotId: p.node.snapshotId, columns: p.node.columns, ...(p.node.filter ? { filter: p.node.filter.text } : {}), ...(options.cacheOff ? { cache: "off" as const } : {}) } };
      }
      const inputs = Object.fromEntries(Object.entries(p.node.inputs).map(([name, key]) => [name, fp(key)]));
      const table = materializeTarget(p.node.definition.options.materialize, p.node.name);
      const materialize = table ? { materialize: { table } } : {};
      const check = p.node.check;
      const expectation = check ? { expectation: { model: fp(check.of), blocking: check.severity === "error" || options.strict === true } } : {};
      if (p.node.kind === "sql") return { ...base, inputs, sql: { query: p.node.sql }, ...materialize, ...expectation };
      const { runtime, timeoutMs, memoryMb } = p.node.definition.options;
      return {
        ...base, inputs, ...materialize, ...expectation,
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
