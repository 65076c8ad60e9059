// A model's materialization waits for its blocking expectations. Without any, the node
// runner writes the table as the model finishes (run-node.ts). With some, the model runs
// without writing, its expectations read its output, and once the model and every one of
// them has settled (warnings too: a write must not read memory a check still holds) the
// gate opens: all passed (no offending rows) — the table is
// written; one returned rows or failed — it is not, and the run says which.
//
// A model reused from an earlier run whose write was held back (`unwritten`) is written
// when its expectations pass now (one was fixed, or no longer blocks); a reused model
// that was written before is not written again.
import type { PlanNode, WorkerPlan } from "./plan.js";

export interface GateDecision {
  node: PlanNode;
  /** Write the table now; else `failed` names the expectations that stopped it. */
  write: boolean;
  failed: string[];
}

export const unwrittenKey = (node: PlanNode): string => `${node.id}>${node.materialize?.table ?? ""}`;

export class MaterializeGates {
  /** Model id -> ids of its expectations in this run (it has a gate when one of them blocks, or its write was held back before). */
  readonly #gates = new Map<string, string[]>();
  readonly #byId: Map<string, PlanNode>;

  /** `selected`: the nodes this run runs or reuses (an expectation not among them gates nothing). */
  constructor(plan: WorkerPlan, selected: Set<string>, unwritten: Set<string>) {
    this.#byId = new Map(plan.nodes.map((n) => [n.id, n]));
    const checks = new Map<string, PlanNode[]>();
    for (const n of plan.nodes) {
      const model = n.expectation ? this.#byId.get(n.expectation.model) : undefined;
      if (!model?.materialize || !selected.has(n.id) || !selected.has(model.id)) continue;
      checks.set(model.id, [...(checks.get(model.id) ?? []), n]);
    }
    for (const [model, list] of checks) if (list.some((n) => n.expectation!.blocking)) this.#gates.set(model, list.map((n) => n.id));
    for (const n of plan.nodes) {
      if (n.materialize && selected.has(n.id) && !this.#gates.has(n.id) && unwritten.has(unwrittenKey(n))) this.#gates.set(n.id, (checks.get(n.id) ?? []).map((c) => c.id));
    }
  }

  /** Whether this node's materialization waits for expectations (its runner must not write). */
  waits(id: string): boolean {
    return this.#gates.has(id);
  }

  /**
   * The gates that can be decided now, each removed once decided. `outcome(id)`: a
   * node's state in this run — "ran" or "reused" with its output's rows, "failed", or
   * undefined while it has not settled.
   */
  decide(outcome: (id: string) => { state: "ran" | "reused"; rows: number } | { state: "failed" } | undefined, unwritten: Set<string>): GateDecision[] {
    const decided: GateDecision[] = [];
    for (const [id, checks] of this.#gates) {
      const model = outcome(id);
      if (model?.state === "failed") {
        this.#gates.delete(id);
        continue;
      }
      if (!model || checks.some((b) => outcome(b) === undefined)) continue;
      this.#gates.delete(id);
      const node = this.#byId.get(id)!;
      if (model.state === "reused" && !unwritten.has(unwrittenKey(node))) continue;
      const failed = checks.filter((b) => {
        if (!this.#byId.get(b)!.expectation!.blocking) return false;
        const o = outcome(b)!;
        return o.state === "failed" || o.rows > 0;
      }).map((b) => this.#byId.get(b)!.name);
      decided.push({ node, write: failed.length === 0, failed });
    }
    return decided;
  }
}
