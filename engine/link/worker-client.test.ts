// The client against in-process workers on loopback: CURVE refusals end a connect at
// once with the reason, a worker that goes away or stops answering is lost (requests in
// flight fail with WORKER_LOST), and a closing client says bye so the worker forgets it.
import { afterEach, describe, expect, it } from "vitest";
import { Router, curveKeyPair } from "zeromq";
import { tableFromArrays } from "apache-arrow";
import type { RunNode } from "../../worker/execute-plan.js";
import type { WorkerPlan } from "../../protocol/plan.js";
import { WorkerServer } from "../../worker/server.js";
import { decodeRequest, encodeMessage } from "../../protocol/wire.js";
import { WorkerClient } from "./worker-client.js";

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => { while (closers.length) await closers.pop()!(); });

const table = tableFromArrays({ x: Int32Array.from([1]) });
const plan = (id: string): WorkerPlan => ({ planId: id, targets: [id], nodes: [{ id, name: id, kind: "ts", inputs: {}, action: "run", reason: "never-run", ts: { name: "m", code: "" } }] });
/** Never finishes, and ignores cancels: a run only the worker's death can end. */
const stuck: RunNode = () => new Promise(() => {});

async function serve(options: { runNode?: RunNode; curve?: { secretKey: string; allow: Set<string> }; log?: string[]; clientTimeoutMs?: number } = {}) {
  const server = new WorkerServer({
    listen: "tcp://127.0.0.1:0", memoryBudget: 1 << 26, services: { runNode: options.runNode ?? (async () => ({ table })) },
    curve: options.curve, clientTimeoutMs: options.clientTimeoutMs, log: (l) => options.log?.push(l),
  });
  const endpoint = await server.start();
  closers.push(() => server.close());
  return { server, endpoint };
}

async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("WorkerClient over CURVE", () => {
  it("serves an allowed key; refuses a stranger's key and a plaintext client at once, and one that pinned another key gets nothing", async () => {
    const workerA = curveKeyPair();
    const workerB = curveKeyPair();
    const alice = curveKeyPair();
    const bob = curveKeyPair();
    // Two workers in one process, each with its own allow list (one ZAP handler, two domains).
    const logA: string[] = [];
    const a = await serve({ curve: { secretKey: workerA.secretKey, allow: new Set([alice.publicKey]) }, log: logA });
    const b = await serve({ curve: { secretKey: workerB.secretKey, allow: new Set([bob.publicKey]) } });
    const as = (keys: { publicKey: string; secretKey: string }, server = workerA.publicKey) => ({ serverKey: server, ...keys });

    const ok = await WorkerClient.connect(a.endpoint, { curve: as(alice) });
    closers.push(() => ok.close());
    expect(ok.welcome?.pid).toBe(process.pid);
    const okB = await WorkerClient.connect(b.endpoint, { curve: as(bob, workerB.publicKey) });
    closers.push(() => okB.close());

    await expect(WorkerClient.connect(a.endpoint, { curve: as(bob), timeoutMs: 10_000 })).rejects.toMatchObject({ code: "WORKER_REFUSED", message: expect.stringMatching(/refused this client's key/) });
    await expect(WorkerClient.connect(a.endpoint, { timeoutMs: 10_000 })).rejects.toMatchObject({ code: "WORKER_REFUSED", message: expect.stringMatching(/LAKELOOP_WORKER_KEY/) });
    await expect(WorkerClient.connect(a.endpoint, { curve: as(alice, workerB.publicKey), timeoutMs: 1500 })).rejects.toThrow(/no answer from the worker/);
    await until("the refusals logged", () => logA.some((l) => l.includes(`its key ${bob.publicKey.slice(0, 8)}… is not in the allow list`)) && logA.some((l) => /does not speak CURVE/.test(l)));
    expect(logA.join("\n")).not.toContain(workerA.secretKey);
  });

  it("refuses to listen off loopback without CURVE", async () => {
    const server = new WorkerServer({ listen: "tcp://0.0.0.0:0", memoryBudget: 1, services: { runNode: stuck }, log: () => {} });
    await expect(server.start()).rejects.toThrow(/not loopback\) must use CURVE/);
  });
});

describe("WorkerClient losing its worker", () => {
  it("is lost as soon as the connection drops: the run in flight fails with WORKER_LOST", async () => {
    const { server, endpoint } = await serve({ runNode: stuck });
    const client = await WorkerClient.connect(endpoint, { timeoutMs: 60_000 });
    closers.push(() => client.close());
    const reasons: string[] = [];
    client.onLost((r) => reasons.push(r));
    const run = client.run(plan("a"), () => {});
    await until("the run started", async () => ((await client.request({ type: "status" })) as unknown as { runs: number }).runs === 1);
    await server.close();
    await expect(run).rejects.toMatchObject({ code: "WORKER_LOST", message: expect.stringMatching(/dropped/) });
    expect(reasons).toHaveLength(1);
    await expect(client.request({ type: "ping" })).rejects.toMatchObject({ code: "WORKER_LOST" });
  });

  it("is lost when heartbeats go unanswered while the connection stays up", async () => {
    // A worker that welcomes and then never answers again (its process hangs).
    const router = new Router({ linger: 0 });
    await router.bind("tcp://127.0.0.1:0");
    closers.push(() => router.close());
    void (async () => {
      for await (const [peer, ...frames] of router) {
        const d = decodeRequest(frames);
        if (d.ok && d.message.type === "hello") await router.send([peer!, ...encodeMessage({ type: "welcome", id: d.message.id, worker: { pid: 1, version: "1", memoryBudget: 1 } })]);
      }
    })().catch(() => {});
    const client = await WorkerClient.connect(router.lastEndpoint!, { heartbeatMs: 100, timeoutMs: 600 });
    closers.push(() => client.close());
    const pending = client.request({ type: "status" });
    await expect(pending).rejects.toMatchObject({ code: "WORKER_LOST", message: expect.stringMatching(/no answer to heartbeats/) });
    expect(client.lost).toMatch(/no answer to heartbeats/);
  });
});

describe("the worker's view of its clients", () => {
  it("forgets a client that says bye and cancels its runs; another client's run is untouched", async () => {
    const log: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => { release = r; });
    const runNode: RunNode = (node, _i, ctx) => new Promise((resolve, reject) => {
      ctx.signal.addEventListener("abort", () => reject(new Error("cancelled")));
      if (node.id === "slow-b") void gate.then(() => resolve({ table }));
    });
    const { endpoint } = await serve({ runNode, log });
    const a = await WorkerClient.connect(endpoint);
    const b = await WorkerClient.connect(endpoint);
    closers.push(() => b.close());
    void a.run(plan("slow-a"), () => {}).catch(() => {});
    const runB = b.run(plan("slow-b"), () => {});
    const status = async () => (await b.request({ type: "status" })) as unknown as { runs: number; clients: number };
    await until("both runs started", async () => (await status()).runs === 2);
    await a.close();
    await until("a forgotten, its run cancelled", async () => { const s = await status(); return s.runs === 1 && s.clients === 1; });
    expect(log.join("\n")).toMatch(/client [0-9a-f]{8} said bye: cancelled its 1 run\(s\)/);
    release();
    await expect(runB).resolves.toMatchObject({ cancelled: false, summary: { ran: 1 } });
  });

  it("cancels the runs of a client that falls silent", async () => {
    const log: string[] = [];
    const runNode: RunNode = (_n, _i, ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("cancelled"))));
    const { endpoint } = await serve({ runNode, log, clientTimeoutMs: 500 });
    // A client whose pings stop (its process froze, its network went): a heartbeat far apart.
    const silent = await WorkerClient.connect(endpoint, { heartbeatMs: 60_000, timeoutMs: 120_000 });
    closers.push(() => silent.close());
    const watcher = await WorkerClient.connect(endpoint, { heartbeatMs: 100 });
    closers.push(() => watcher.close());
    void silent.run(plan("x"), () => {}).catch(() => {});
    await until("the silent client's run cancelled", () => log.find((l) => /silent for \d+ s: cancelled its 1 run\(s\)/.test(l)));
    const status = (await watcher.request({ type: "status" })) as unknown as { runs: number; clients: number };
    expect(status).toMatchObject({ runs: 0, clients: 1 });
  });
});
