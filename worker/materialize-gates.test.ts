// A materialization that waits for its model's blocking expectations, through the plan
// executor with a recording runner and writer: written only after every check settled
// and none blocking returned rows; held back (and said so) otherwise; written later when
// a run reuses the model and its checks pass, unless the table holds the output already.
// And a plan with the cache off reuses nothing.
import { describe, expect, it } from "vitest";
import { tableFromArrays, type Table } from "apache-arrow";
import { emptyTable } from "../columnar/empty-table.js";
import { executePlan, type RunNode } from "./execute-plan.js";
import type { PlanNode, WorkerPlan } from "../protocol/plan.js";
import type { NodeEvent } from "../protocol/messages.js";
import { ResidentStore } from "./resident.js";

const model: PlanNode = { id: "m", name: "m", kind: "ts", ts: { name: "m", code: "" }, inputs: {}, action: "run", reason: "never-run", materialize: { table: "t" } };
const check = (id: string, blocking: boolean): PlanNode => ({ id, name: id, kind: "sql", sql: { query: "" }, inputs: { m: "m" }, action: "run", reason: "never-run", expectation: { model: "m", blocking } });
const plan = (nodes: PlanNode[]): WorkerPlan => ({ planId: "p", nodes, targets: nodes.map((n) => n.id) });
const rows = (n: number): Table => {
  const table = tableFromArrays({ x: Float64Array.from({ length: Math.max(1, n) }, (_, i) => i) });
  return n === 0 ? emptyTable(table.schema) : table;
};

/**
 * Offending rows per check id; a runner and a writer that record the order of things.
 * `held`: the outputs the table holds (the writer skips those, as the worker's does).
 */
function harness(offending: Record<string, number>, held = new Set<string>()) {
  const log: string[] = [];
  const events: NodeEvent[] = [];
  const runNode: RunNode = async (n) => {
    log.push(`run ${n.id}${n.materialize ? " (writes)" : ""}`);
    if (n.id === "broken") throw new Error("no");
    return { table: rows(n.id === "m" ? 3 : offending[n.id] ?? 0) };
  };
  const materializeReused = async (n: PlanNode) => {
    if (held.has(n.id)) return undefined;
    held.add(n.id);
    log.push(`write ${n.materialize!.table}`);
    return { table: `default.${n.materialize!.table}`, snapshotId: 1 };
  };
  return { log, events, held, options: { runNode, materializeReused, emit: (e: NodeEvent) => events.push(e) } };
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
    await executePlan(plan([model, check("bad", true), check("ok", true)]), { resident: new ResidentStore(1 << 30), ...h.options });
    expect(h.log).not.toContain("write t");
    expect(h.events.find((e) => e.type === "materialize-skipped")).toMatchObject({ node: "m", table: "t", because: "expectation bad failed", expectations: ["bad"] });

    const failing = harness({});
    await executePlan(plan([model, check("broken", true)]), { resident: new ResidentStore(1 << 30), ...failing.options });
    expect(failing.log).not.toContain("write t");
    expect(failing.events.find((e) => e.type === "materialize-skipped")).toMatchObject({ expectations: ["broken"] });
  });

  it("writes a held-back model that a later run reuses once its checks pass; never rewrites what the table holds", async () => {
    const resident = new ResidentStore(1 << 30);
    const held = new Set<string>();
    const first = harness({ bad: 1 }, held);
    await executePlan(plan([model, check("bad", true)]), { resident, ...first.options });
    expect(first.log).not.toContain("write t");
    // The check is fixed (a new node): the model is reused, its write waits for the check, then happens.
    const second = harness({}, held);
    const reused = { ...model, action: "reuse" as const, reason: "resident" as const };
    await executePlan(plan([reused, check("fixed", true)]), { resident, ...second.options });
    expect(second.log).toEqual(["run fixed", "write t"]);
    // The table holds the output now: a reused model is not written again.
    const third = harness({}, held);
    await executePlan(plan([reused, check("other", true)]), { resident, ...third.options });
    expect(third.log).toEqual(["run other"]);
    expect(third.events.some((e) => e.type === "node-materialized" || e.type === "materialize-skipped")).toBe(false);
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
