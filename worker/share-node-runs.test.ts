import { describe, expect, it } from "vitest";
import { tableFromArrays } from "apache-arrow";
import { emptyReadStats, type NodeContext, type NodeResult } from "./execute-plan.js";
import type { PlanNode } from "../protocol/plan.js";
import { shareNodeRuns } from "./share-node-runs.js";

const node: PlanNode = { id: "fp1", name: "m", kind: "ts", inputs: {}, action: "run", reason: "never-run", ts: { name: "m", code: "" } };
const ctx = (abort = new AbortController()): NodeContext & { abort: AbortController } => ({ signal: abort.signal, emit: () => {}, abort });
const table = tableFromArrays({ x: Int32Array.from([1, 2, 3]) });

/** A node runner whose runs finish when told to, counting starts and aborts. */
function controllableRunner() {
  const runs: { finish(): void; aborted: boolean }[] = [];
  const runNode = (_n: PlanNode, _i: unknown, c: NodeContext) => new Promise<NodeResult>((resolve, reject) => {
    const run = { aborted: false, finish: () => resolve({ table, read: { ...emptyReadStats(), objectStoreBytes: 100 } }) };
    runs.push(run);
    c.signal.addEventListener("abort", () => { run.aborted = true; reject(new Error("aborted")); });
  });
  return { runs, runNode };
}

describe("shareNodeRuns", () => {
  it("computes an equal fingerprint once for two runs and counts its bytes once", async () => {
    const { runs, runNode } = controllableRunner();
    const shared = shareNodeRuns(runNode);
    const first = shared(node, {}, ctx());
    const second = shared(node, {}, ctx());
    expect(runs).toHaveLength(1);
    runs[0]!.finish();
    const [a, b] = await Promise.all([first, second]);
    expect(a.table).toBe(b.table);
    expect([a.read?.objectStoreBytes, b.read?.objectStoreBytes]).toEqual([100, 0]);
    // Finished work is not shared any more: the next ask runs (the resident store reuses outputs).
    void shared(node, {}, ctx()).catch(() => {});
    expect(runs).toHaveLength(2);
  });

  it("keeps the work going when one of two runs is cancelled, and stops it when both are", async () => {
    const { runs, runNode } = controllableRunner();
    const shared = shareNodeRuns(runNode);
    const a = ctx();
    const b = ctx();
    const first = shared(node, {}, a);
    const second = shared(node, {}, b);
    a.abort.abort();
    await expect(first).rejects.toThrow(/cancelled/);
    expect(runs[0]!.aborted).toBe(false);
    runs[0]!.finish();
    await expect(second).resolves.toMatchObject({ table });

    const c = ctx();
    const d = ctx();
    const third = shared(node, {}, c);
    const fourth = shared(node, {}, d);
    c.abort.abort();
    d.abort.abort();
    await expect(Promise.allSettled([third, fourth])).resolves.toMatchObject([{ status: "rejected" }, { status: "rejected" }]);
    expect(runs[1]!.aborted).toBe(true);
  });

  it("does not share a materialization with a run that writes another table (or none)", () => {
    const { runs, runNode } = controllableRunner();
    const shared = shareNodeRuns(runNode);
    void shared({ ...node, materialize: { table: "t1" } }, {}, ctx()).catch(() => {});
    void shared({ ...node, materialize: { table: "t2" } }, {}, ctx()).catch(() => {});
    void shared(node, {}, ctx()).catch(() => {});
    expect(runs).toHaveLength(3);
  });
});
