import { describe, expect, it } from "vitest";
import { tableFromArrays, type Table } from "apache-arrow";
import { executePlan, type RunNode } from "./execute-plan.js";
import type { PlanNode, WorkerPlan } from "../protocol/plan.js";
import type { NodeEvent } from "../protocol/messages.js";
import { ResidentStore } from "./resident.js";

const node = (id: string, inputs: Record<string, string> = {}, action: "run" | "reuse" = "run"): PlanNode => ({ id, name: id, kind: "ts", inputs, action, reason: action === "reuse" ? "resident" : "never-run", ts: { name: "m", code: "" } });
const plan = (nodes: PlanNode[], targets: string[]): WorkerPlan => ({ planId: "p", nodes, targets });
const one = (n: number) => tableFromArrays({ x: Float64Array.from([n]) });

function recorder() {
  const events: NodeEvent[] = [];
  const ran: string[] = [];
  return { events, ran, emit: (e: NodeEvent) => events.push(e) };
}

describe("executePlan", () => {
  it("runs in topological order, passing parents' tables by input name", async () => {
    const r = recorder();
    const runNode: RunNode = async (n, inputs) => {
      r.ran.push(n.id);
      const sum = Object.values(inputs).reduce((s, t: Table) => s + (t.getChild("x")!.get(0) as number), 1);
      return { table: one(sum) };
    };
    const resident = new ResidentStore(1 << 30);
    const p = plan([node("c", { a: "a", b: "b" }), node("a"), node("b", { a: "a" })], ["c"]);
    const summary = await executePlan(p, { resident, runNode, emit: r.emit });
    expect(r.ran.indexOf("a")).toBeLessThan(r.ran.indexOf("b"));
    expect(r.ran.at(-1)).toBe("c");
    expect(resident.get("c")!.table.getChild("x")!.get(0)).toBe(4); // a=1, b=2, c=1+1+2
    expect(summary).toMatchObject({ ran: 3, reused: 0, failed: 0, cancelled: false });
  });

  it("takes the plan's actions: reuses what it reuses (its inputs left out of the plan) and runs what it runs", async () => {
    const r = recorder();
    const resident = new ResidentStore(1 << 30);
    resident.put("b", "b", one(7));
    resident.put("c", "c", one(9)); // resident, but the plan says run: the planner decided (e.g. the cache is off)
    const runNode: RunNode = async (n) => { r.ran.push(n.id); return { table: one(1) }; };
    const summary = await executePlan(plan([node("b", { a: "a" }, "reuse"), node("c", { b: "b" })], ["c"]), { resident, runNode, emit: r.emit });
    expect(r.ran).toEqual(["c"]);
    expect(summary).toMatchObject({ ran: 1, reused: 1 });
    expect(r.events.some((e) => e.type === "node-reused" && e.node === "b")).toBe(true);
  });

  it("refuses as stale a plan that reuses an output evicted since it was made, running nothing", async () => {
    const r = recorder();
    const runNode: RunNode = async (n) => { r.ran.push(n.id); return { table: one(1) }; };
    await expect(executePlan(plan([node("b", { a: "a" }, "reuse"), node("c", { b: "b" })], ["c"]), { resident: new ResidentStore(1 << 30), runNode, emit: r.emit }))
      .rejects.toMatchObject({ code: "PLAN_STALE", message: expect.stringMatching(/reuses b \(b\), which this worker no longer holds/) });
    expect(r.ran).toEqual([]);
    expect(r.events).toEqual([]);
  });

  it("refuses a plan whose running node reads a node the plan does not define", async () => {
    const runNode: RunNode = async () => ({ table: one(1) });
    await expect(executePlan(plan([node("c", { b: "b" })], ["c"]), { resident: new ResidentStore(1 << 30), runNode, emit: () => {} }))
      .rejects.toThrow(/names node b \(an input of c\) but does not define it/);
  });

  it("contains a failure to its dependents and finishes independent branches", async () => {
    const r = recorder();
    const runNode: RunNode = async (n) => {
      if (n.id === "bad") throw Object.assign(new Error("boom at line 3"), { code: "MODEL_THREW" });
      r.ran.push(n.id);
      return { table: one(1) };
    };
    const p = plan([node("bad"), node("child", { i: "bad" }), node("grandchild", { i: "child" }), node("ok")], ["grandchild", "ok"]);
    const summary = await executePlan(p, { resident: new ResidentStore(1 << 30), runNode, emit: r.emit });
    expect(r.ran).toEqual(["ok"]);
    expect(summary).toMatchObject({ ran: 1, failed: 1, skipped: 2 });
    const failed = r.events.find((e) => e.type === "node-failed");
    expect(failed && failed.type === "node-failed" && failed.error).toMatchObject({ code: "MODEL_THREW", message: "boom at line 3" });
  });

  it("stops scheduling when cancelled and reports it", async () => {
    const r = recorder();
    const abort = new AbortController();
    const runNode: RunNode = (n, _inputs, ctx) => new Promise((resolve, reject) => {
      r.ran.push(n.id);
      if (n.id === "slow") {
        setTimeout(() => abort.abort(), 10);
        ctx.signal.addEventListener("abort", () => reject(new Error("cancelled")));
      } else resolve({ table: one(1) });
    });
    const summary = await executePlan(plan([node("slow"), node("after", { s: "slow" })], ["after"]), {
      resident: new ResidentStore(1 << 30), runNode, emit: r.emit, signal: abort.signal,
    });
    expect(summary.cancelled).toBe(true);
    expect(r.ran).toEqual(["slow"]);
  });
});
