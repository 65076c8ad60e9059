// A model's materialization waits for its blocking expectations. Without any, the node
// runner writes the table as the model finishes (run-node.ts), and a reused model is
// written when its table lacks the output. With some, the model runs (or is reused)
// without writing, its expectations read its output, and once the model and every one of
// them has settled (warnings too: a write must not read memory a check still holds) the
// gate opens: all blocking ones passed (no offending rows) — the output is written, unless
// the table holds it already; one returned rows or failed — it is not, and the run says
// which. So a write held back by a failed check is made by a later run that reuses the
// model once its checks pass (the check was fixed, or no longer blocks).
import type { PlanNode, WorkerPlan } from "../protocol/plan.js";

export interface GateDecision {
  node: PlanNode;
  /** Write the table now; else `failed` names the expectations that stopped it. */
  write: boolean;
  failed: string[];
}

export type NodeOutcome = { state: "ran" | "reused"; rows: number } | { state: "failed" } | undefined;

export class MaterializeGates {
  /** Model id -> ids of its expectations in this run (it has a gate when one of them blocks). */
  readonly #gates = new Map<string, string[]>();
  readonly #byId: Map<string, PlanNode>;

  /** `selected`: the nodes this run runs or reuses (an expectation not among them gates nothing). */
  constructor(plan: WorkerPlan, selected: Set<string>) {
    this.#byId = new Map(plan.nodes.map((n) => [n.id, n]));
    const checks = new Map<string, PlanNode[]>();
    for (const n of plan.nodes) {
      const model = n.expectation ? this.#byId.get(n.expectation.model) : undefined;
      if (!model?.materialize || !selected.has(n.id) || !selected.has(model.id)) continue;
      checks.set(model.id, [...(checks.get(model.id) ?? []), n]);
    }
    for (const [model, list] of checks) if (list.some((n) => n.expectation!.blocking)) this.#gates.set(model, list.map((n) => n.id));
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
  decide(outcome: (id: string) => NodeOutcome): GateDecision[] {
    const decided: GateDecision[] = [];
    for (const [id, checks] of this.#gates) {
      const model = outcome(id);
      if (model?.state === "failed") {
        this.#gates.delete(id);
        continue;
      }
      if (!model || checks.some((c) => outcome(c) === undefined)) continue;
      this.#gates.delete(id);
      const failed = checks.filter((c) => {
        if (!this.#byId.get(c)!.expectation!.blocking) return false;
        const o = outcome(c)!;
        return o.state === "failed" || o.rows > 0;
      }).map((c) => this.#byId.get(c)!.name);
      decided.push({ node: this.#byId.get(id)!, write: failed.length === 0, failed });
    }
    return decided;
  }
}
