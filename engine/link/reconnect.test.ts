// Reaching a worker again: one that comes back on its address is found, a refusal of
// this client's key ends the attempts at once, and a worker that never comes back ends
// them at the deadline with the reason.
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { curveKeyPair } from "zeromq";
import { tableFromArrays } from "apache-arrow";
import { WorkerServer } from "../../worker/server.js";
import { reconnectWorker } from "./reconnect.js";

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => { while (closers.length) await closers.pop()!(); });

const table = tableFromArrays({ x: Int32Array.from([1]) });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function serve(listen: string, curve?: { secretKey: string; allow: Set<string> }) {
  const server = new WorkerServer({ listen, memoryBudget: 1 << 20, services: { runNode: async () => ({ table }) }, curve, log: () => {} });
  await server.start();
  closers.push(() => server.close());
  return server;
}

describe("reconnectWorker", () => {
  it("finds a worker that comes back on its address", async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    let started = false;
    // The worker is not there yet: the first attempt fails, then it starts (a systemd restart).
    const client = reconnectWorker(endpoint, { timeoutMs: 1000 }, 30_000, (attempt) => {
      if (attempt === 0) void serve(endpoint).then(() => { started = true; });
    });
    const connected = await client;
    closers.push(() => connected.close());
    expect(started).toBe(true);
    await expect(connected.request({ type: "ping" })).resolves.toMatchObject({ type: "pong" });
  });

  it("stops at once when the worker refuses this client's key", async () => {
    const worker = curveKeyPair();
    const stranger = curveKeyPair();
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    await serve(endpoint, { secretKey: worker.secretKey, allow: new Set([curveKeyPair().publicKey]) });
    await expect(reconnectWorker(endpoint, { curve: { serverKey: worker.publicKey, ...stranger } }, 60_000)).rejects.toMatchObject({ code: "WORKER_REFUSED" });
  });

  it("gives up at its deadline, saying why", async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    await expect(reconnectWorker(endpoint, { timeoutMs: 1000 }, 2500)).rejects.toMatchObject({ code: "WORKER_UNREACHABLE", message: expect.stringMatching(/could not reach the worker at .* again within 3 s: no answer/) });
  });
});
