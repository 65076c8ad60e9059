// A materialization that waits for its model's blocking expectations, through the plan
// executor with a recording runner: written only after every check settled and none
// blocking returned rows; held back (and said so) otherwise; written later when a run
// reuses the model and its checks pass. And a plan with the cache off reuses nothing.
import { describe, expect, it } from "vitest";
import { tableFromArrays } from "apache-arrow";
import { emptyTable } from "../columnar/empty-table.js";
import { executePlan, type RunNode } from "./execute-plan.js";
import type { PlanNode, WorkerPlan } from "./plan.js";
import type { NodeEvent } from "./protocol.js";
import { ResidentStore } from "./resident.js";

const model: PlanNode = { id: "m", name: "m", kind: "ts", inputs: {}, action: "run", reason: "never-run", materialize: { table: "t" } };
const check = (id: string, blocking: boolean): PlanNode => ({ id, name: id, kind: "sql", inputs: { m: "m" }, action: "run", reason: "never-run", expectation: { model: "m", blocking } });
const plan = (nodes: PlanNode[]): WorkerPlan => ({ protocol: 1, planId: "p", nodes, targets: nodes.map((n) => n.id) });
const rows = (n: number) => {
  const table = tableFromArrays({ x: Float64Array.from({ length: Math.max(1, n) }, (_, i) => i) });
  return n === 0 ? emptyTable(table.schema) : table;
};

/** Offending rows per check id; a runner and a materializer that record the order of things. */
function harness(offending: Record<string, number>) {
  const log: string[] = [];
  const events: NodeEvent[] = [];
  const runNode: RunNode = async (n) => {
    log.push(`run ${n.id}${n.materialize ? " (writes)" : ""}`);
    return { table: rows(n.id === "m" ? 3 : offending[n.id] ?? 0) };
  };
  const materialize = async (n: PlanNode) => {
    log.push(`write ${n.materialize!.table}`);
    return { table: `default.${n.materialize!.table}`, snapshotId: 1 };
  };
  return { log, events, options: { runNode, materialize, emit: (e: NodeEvent) => events.push(e) } };
}

describe("materialization gated on expectations", () => {
  it("writes after every check of the model settled, when the blocking ones passed", async () => {
    const h = harness({ warned: 2 });
    await executePlan(plan([model, check("ok", true), check("warned", false)]), { resident: new ResidentStore(1 << 30), ...h.options });
    expect(h.log[0]).toBe("run m"); // the model's runner does not write
    expect(h.log.at(-1)).toBe("write t");
    expect(h.log.slice(1, 3).sort()).toEqual(["run ok", "run warned"]);
    expect(h.events.find((e) => e.type === "node-materialized")).toMatchObject({ node: "m", materialized: { table: "default.t", snapshotId: 1 } });
  });

  it("holds the write back when a blocking check returns rows or fails, naming it", async () => {
    const h = harness({ bad: 4 });
    const unwritten = new Set<string>();
    await executePlan(plan([model, check("bad", true), check("ok", true)]), { resident: new ResidentStore(1 << 30), ...h.options, unwritten });
    expect(h.log).not.toContain("write t");
    expect(h.events.find((e) => e.type === "materialize-skipped")).toMatchObject({ node: "m", table: "t", because: "expectation bad failed", expectations: ["bad"] });
    expect(unwritten).toEqual(new Set(["m>t"]));

    const failing = harness({});
    const throwing: RunNode = async (n, i, c) => { if (n.id === "broken") throw new Error("no"); return failing.options.runNode(n, i, c); };
    await executePlan(plan([model, check("broken", true)]), { resident: new ResidentStore(1 << 30), ...failing.options, runNode: throwing });
    expect(failing.events.find((e) => e.type === "materialize-skipped")).toMatchObject({ expectations: ["broken"] });
  });

  it("writes a held-back model that a later run reuses, once its checks pass; never rewrites one already written", async () => {
    const resident = new ResidentStore(1 << 30);
    const unwritten = new Set<string>();
    const first = harness({ bad: 1 });
    await executePlan(plan([model, check("bad", true)]), { resident, ...first.options, unwritten });
    expect(first.log).not.toContain("write t");
    // The check is fixed (a new node): the model is reused and written now.
    const second = harness({});
    await executePlan(plan([model, check("fixed", true)]), { resident, ...second.options, unwritten });
    expect(second.log).toEqual(["run fixed", "write t"]);
    expect(unwritten.size).toBe(0);
    // Nothing held back: a reused model is not written again.
    const third = harness({});
    await executePlan(plan([model, check("other", true)]), { resident, ...third.options, unwritten });
    expect(third.log).toEqual(["run other"]);
  });

  it("lets the runner write as before when no check blocks", async () => {
    const h = harness({ warned: 1 });
    await executePlan(plan([model, check("warned", false)]), { resident: new ResidentStore(1 << 30), ...h.options });
    expect(h.log).toEqual(["run m (writes)", "run warned"]);
  });

  it("reuses nothing when the plan has the cache off", async () => {
    const resident = new ResidentStore(1 << 30);
    resident.put("m", "m", rows(3));
    const h = harness({});
    const summary = await executePlan({ ...plan([{ ...model, materialize: undefined }]), cache: "off" }, { resident, ...h.options });
    expect(h.log).toEqual(["run m"]);
    expect(summary).toMatchObject({ ran: 1, reused: 0 });
  });
});
