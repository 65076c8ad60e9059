import { afterEach, describe, expect, it } from "vitest";
import { Dealer } from "zeromq";
import { Field, Int32, Schema, Table, tableFromArrays, Utf8 } from "apache-arrow";
import { WorkerClient } from "../engine/link/worker-client.js";
import type { RunNode } from "./execute-plan.js";
import type { WorkerPlan } from "../protocol/plan.js";
import type { NodeEvent } from "../protocol/messages.js";
import { WorkerServer } from "./server.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => { while (closers.length) await closers.pop()!(); });

async function startWorker(runNode: RunNode) {
  const server = new WorkerServer({ listen: "tcp://127.0.0.1:0", services: { runNode }, memoryBudget: 1 << 28, log: () => {} });
  const endpoint = await server.start();
  closers.push(() => server.close());
  const client = await WorkerClient.connect(endpoint);
  closers.push(() => client.close());
  return { server, client, endpoint };
}

const plan: WorkerPlan = {
  planId: "p1", targets: ["b"],
  nodes: [
    { id: "a", name: "a", kind: "ts", inputs: {}, action: "run", reason: "never-run", ts: { name: "m", code: "" } },
    { id: "b", name: "b", kind: "ts", inputs: { a: "a" }, action: "run", reason: "never-run", ts: { name: "m", code: "" } },
  ],
};

const rows = (n: number) => tableFromArrays({ i: Int32Array.from({ length: n }, (_, k) => k) });

describe("WorkerServer over zeromq", () => {
  it("runs a plan, streams events, previews the target, then reuses it", async () => {
    const { client } = await startWorker(async (node) => ({ table: rows(node.id === "a" ? 10 : 1000) }));
    const events: NodeEvent[] = [];
    const first = await client.run(plan, (e) => events.push(e), { previewRows: 5 });
    expect(events.filter((e) => e.type === "node-finished").map((e) => e.type === "node-finished" && e.name)).toEqual(["a", "b"]);
    expect(first.summary.ran).toBe(2);
    expect(first.previews[0]).toMatchObject({ node: "b", rows: 1000 });
    expect(first.previews[0]!.table.numRows).toBe(5);

    // Planned again against what the worker holds: the target reused, its input not needed.
    const again: WorkerPlan = { planId: "p2", targets: ["b"], nodes: [{ ...plan.nodes[1]!, action: "reuse", reason: "resident" }] };
    const second = await client.run(again, () => {});
    expect(second.summary).toMatchObject({ ran: 0, reused: 1 });
  });

  it("streams a whole resident output back in record batches", async () => {
    const { client } = await startWorker(async () => ({ table: rows(2500) }));
    await client.run(plan, () => {});
    const parts = await client.fetch("b", 1000);
    expect(parts.map((t) => t.numRows)).toEqual([1000, 1000, 500]);
    expect(parts[2]!.getChild("i")!.get(499)).toBe(2499);
    await expect(client.fetch("nope")).rejects.toThrow(/not resident/);
  });

  it("previews and fetches an output without record batches as an empty table with its schema", async () => {
    // A 0-row scan or SQL result is a table with a schema and no batches.
    const empty = new Table(new Schema([new Field("i", new Int32()), new Field("s", new Utf8())]));
    const { client } = await startWorker(async () => ({ table: empty }));
    const outcome = await client.run(plan, () => {});
    expect(outcome.previews[0]).toMatchObject({ node: "b", rows: 0 });
    expect(outcome.previews[0]!.table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(["i: Int32", "s: Utf8"]);
    const parts = await client.fetch("b");
    expect(parts.map((t) => t.numRows)).toEqual([0]);
    expect(parts[0]!.schema.fields.map((f) => f.name)).toEqual(["i", "s"]);
  });

  it("cancels a run within a second", async () => {
    const { client } = await startWorker((node, _inputs, ctx) => new Promise((resolve, reject) => {
      if (node.id === "a") ctx.signal.addEventListener("abort", () => reject(new Error("cancelled")));
      else resolve({ table: rows(1) });
    }));
    let runId = "";
    const outcome = client.run(plan, (e) => { if (e.type === "node-started") void client.cancel(runId); }, { onStart: (id) => { runId = id; } });
    const result = await outcome;
    expect(result.cancelled).toBe(true);
    expect(result.summary.ran).toBe(0);
  });

  it("answers malformed frames and foreign versions with an error and keeps serving", async () => {
    const { client, endpoint } = await startWorker(async () => ({ table: rows(1) }));
    const raw = new Dealer({ linger: 0 });
    raw.connect(endpoint);
    closers.push(async () => raw.close());
    await raw.send([Buffer.from("not json")]);
    const [reply1] = await raw.receive();
    expect(JSON.parse(reply1!.toString())).toMatchObject({ type: "error", error: { code: "PROTOCOL_MALFORMED" } });
    await raw.send([Buffer.from(JSON.stringify({ v: 99, type: "ping", id: "x" }))]);
    const [reply2] = await raw.receive();
    expect(JSON.parse(reply2!.toString())).toMatchObject({ type: "error", id: "x", error: { code: "PROTOCOL_VERSION" } });
    await expect(client.request({ type: "ping" })).resolves.toMatchObject({ type: "pong" });
  });
});

describe("WorkerServer and secrets", () => {
  it("redacts what it sends back (failed nodes, error replies) and what it logs", async () => {
    const secret = "s3cr3t-v4lue-of-a-key";
    const log: string[] = [];
    const server = new WorkerServer({
      listen: "tcp://127.0.0.1:0", memoryBudget: 1 << 20, secrets: [secret], log: (l) => log.push(l),
      services: {
        runNode: async () => { throw new Error(`S3 refused ${secret}`); },
        diff: async () => { throw new Error(`listing with ${secret} failed`); },
      },
    });
    const endpoint = await server.start();
    closers.push(() => server.close());
    const client = await WorkerClient.connect(endpoint);
    closers.push(() => client.close());
    const failures: string[] = [];
    await client.run(plan, (e) => { if (e.type === "node-failed") failures.push(e.error.message, e.error.stack ?? ""); });
    expect(failures.join("\n")).toContain("S3 refused [redacted]");
    await expect(client.request({ type: "diff", scans: [{ node: "n", table: "t", tableUuid: "u", snapshotId: null, columns: [] }] })).rejects.toThrow("listing with [redacted] failed");
    const raw = new Dealer({ linger: 0 });
    raw.connect(endpoint);
    closers.push(async () => raw.close());
    await raw.send([Buffer.from(`{"v":2,"type":"ping","id":"${secret}"}`)]);
    await raw.receive();
    expect(log.join("\n")).not.toContain(secret);
    expect(failures.join("\n")).not.toContain(secret);
  });
});
