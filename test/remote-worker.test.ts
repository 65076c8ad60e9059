// A worker as production runs it: a separate `lakeloop worker` process on a
// non-loopback address of this machine (127.0.0.1 when it has none; the test says which)
// with CurveZMQ on. Refusals (no key, wrong key), the accepted path, malformed frames,
// two sessions at once, a client that vanishes mid-run, a worker killed mid-run and the
// session recovering, and object-store faults injected between the worker and S3.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dealer } from "zeromq";
import { Session } from "../engine/session.js";
import { WorkerClient } from "../engine/worker/worker-client.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { writeSample } from "../lake/ingest/sample.js";
import { FileStore } from "../lake/store/file-store.js";
import { openStore } from "../lake/store/open-store.js";
import { startFaultProxy, type FaultProxy } from "../lake/store/testing/fault-proxy.js";
import { startS3rver, type S3rverHandle } from "../lake/store/testing/s3rver.js";
import { readKeyPair, writeKeyPair, type KeyPair } from "../worker/curve-keys.js";
import { redact, secretsOf } from "../worker/redact.js";
import { decodeReply, encodeMessage } from "../worker/wire.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lakeloop.js");
const host = Object.values(networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal)?.address ?? "127.0.0.1";
let dir: string;
let lake: string;
let workerKeys: KeyPair;
let clientKeys: KeyPair;
let strangerKeys: KeyPair;
let clientKeyFile: string;
let allowFile: string;
let workerKeyFile: string;

interface RunningWorker { process: ChildProcess; endpoint: string; stderr: () => string; stop(): Promise<void> }

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function startWorkerProcess(extra: string[] = [], env: NodeJS.ProcessEnv = {}, port?: number): Promise<RunningWorker> {
  const listen = `tcp://${host}:${port ?? await freePort()}`;
  const child = spawn(process.execPath, ["--openssl-legacy-provider", bin, "worker", "--listen", listen, "--key", workerKeyFile, "--allow", allowFile, ...extra], {
    env: { ...process.env, LAKELOOP_LAKE: lake, LAKELOOP_CACHE: path.join(dir, `cache-${Math.random()}`), ...env }, stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => { stderr += d; });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => { out += d; const m = /listening on (\S+)/.exec(out); if (m) resolve(m[1]!); });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}): ${stderr}`)));
  });
  return {
    process: child, endpoint, stderr: () => stderr,
    stop: () => new Promise((resolve) => { if (child.exitCode !== null || child.signalCode !== null) return resolve(); child.once("exit", () => resolve()); child.kill("SIGTERM"); }),
  };
}

const clientEnv = (endpoint: string, keyFile = clientKeyFile) => ({ ...process.env, LAKELOOP_WORKER: endpoint, LAKELOOP_WORKER_KEY: workerKeys.publicKey, LAKELOOP_CLIENT_KEY: keyFile, LAKELOOP_WORKER_TIMEOUT_MS: "3000" });
const curve = (keys: KeyPair) => ({ serverKey: workerKeys.publicKey, publicKey: keys.publicKey, secretKey: keys.secretKey });

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-remote-"));
  const store = await FileStore.open(path.join(dir, "lake"));
  lake = store.root;
  await writeSample(await Catalog.open(store), { rows: 40_000, months: 2 });
  ({ keys: workerKeys, secretFile: workerKeyFile } = await writeKeyPair(path.join(dir, "keys"), "worker"));
  ({ keys: clientKeys, secretFile: clientKeyFile } = await writeKeyPair(path.join(dir, "keys"), "laptop"));
  strangerKeys = (await writeKeyPair(path.join(dir, "keys"), "stranger")).keys;
  allowFile = path.join(dir, "keys", "allowed");
  await writeFile(allowFile, `# clients\n${clientKeys.publicKey}\n`);
  process.stdout.write(`remote worker tests bind ${host} (${host === "127.0.0.1" ? "no non-loopback address here: loopback with CURVE forced on" : "a non-loopback address of this machine"})\n`);
}, 60_000);
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe(`a remote worker with CurveZMQ on ${host}`, () => {
  it("writes key pairs and refuses a non-loopback listener without CURVE", async () => {
    expect((await readKeyPair(clientKeyFile)).publicKey).toBe(clientKeys.publicKey);
    const child = spawn(process.execPath, [bin, "worker", "--listen", "tcp://0.0.0.0:0"], { env: { ...process.env, LAKELOOP_LAKE: lake }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => { err += d; });
    const code = await new Promise((r) => child.on("exit", r));
    expect(code).toBe(2);
    expect(err).toMatch(/a worker listening on tcp:\/\/0\.0\.0\.0:0 \(not loopback\) must use CURVE: run 'lakeloop worker keygen'/);
  });

  it("refuses a client with no key and one with a wrong key, logs both, and serves an allowed one", async () => {
    const worker = await startWorkerProcess();
    try {
      await expect(WorkerClient.connect(worker.endpoint, { timeoutMs: 2000 })).rejects.toThrow(/no answer from the worker at tcp:.* within 2 s/);
      await expect(WorkerClient.connect(worker.endpoint, { timeoutMs: 2000, curve: curve(strangerKeys) })).rejects.toThrow(/no answer from the worker/);
      await until("both refusals logged", () => /refused a connection from .*handshake:error/.test(worker.stderr()) && worker.stderr().includes(`its key ${strangerKeys.publicKey.slice(0, 8)}… is not in the allow list`));
      expect(worker.stderr()).not.toContain(workerKeys.secretKey);

      const session = await Session.open({ lake, env: clientEnv(worker.endpoint) });
      try {
        await session.applyCell("c1", `model("jan", { tx: Model("transactions", { columns: ["id", "usd"], filter: "eventTime < '2023-02-01'" }) }, ({ tx }) => [{ n: tx.numRows }]);`);
        const report = await session.run();
        expect(report.nodes.map((n) => n.action)).toEqual(["ran", "ran"]);
        expect(Number((await session.result("jan")).getChild("n")!.get(0))).toBeGreaterThan(0);
      } finally {
        await session.close();
      }
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it("answers malformed frames and unknown versions with errors, and keeps serving", async () => {
    const worker = await startWorkerProcess();
    const socket = new Dealer({ linger: 0, curveServerKey: workerKeys.publicKey, curvePublicKey: clientKeys.publicKey, curveSecretKey: clientKeys.secretKey });
    try {
      socket.connect(worker.endpoint);
      const ask = async (frames: (Buffer | Uint8Array | string)[]) => {
        await socket.send(frames);
        const [reply] = await socket.receive();
        return JSON.parse(reply!.toString()) as { type: string; id: string; error?: { code: string; message: string } };
      };
      expect(await ask(["not json at all"])).toMatchObject({ type: "error", error: { code: expect.any(String), message: expect.stringMatching(/JSON|malformed/i) } });
      expect(await ask([JSON.stringify({ v: 99, type: "ping", id: "x1" })])).toMatchObject({ type: "error", id: "x1", error: { message: expect.stringMatching(/version/) } });
      expect(await ask([JSON.stringify({ v: 1, type: "teleport", id: "x2" })])).toMatchObject({ type: "error", id: "x2" });
      const pong = decodeReply(await (async () => { await socket.send(encodeMessage({ v: 1, type: "ping", id: "x3" })); return socket.receive(); })());
      expect(pong.ok && pong.message).toMatchObject({ type: "pong", id: "x3" });
    } finally {
      socket.close();
      await worker.stop();
    }
  }, 60_000);

  it("serves two sessions at once: definitions never mix, one's cancel leaves the other alone", async () => {
    const worker = await startWorkerProcess();
    const a = await Session.open({ lake, env: clientEnv(worker.endpoint) });
    const b = await Session.open({ lake, env: clientEnv(worker.endpoint) });
    try {
      await a.applyCell("c", `model("m", {}, () => [{ who: "a" }]);`);
      await b.applyCell("c", `model("m", {}, () => [{ who: "b" }]);`);
      await a.applyCell("slow", `model("slow", {}, () => { const end = Date.now() + 60000; while (Date.now() < end) {} return [{ x: 1 }]; }, { timeoutMs: 120000 });`);
      const slow = a.run(["slow"]);
      await new Promise((r) => setTimeout(r, 500));
      const [ra, rb] = await Promise.all([a.run(["m"]), b.run(["m"])]);
      expect([ra.nodes[0]!.action, rb.nodes[0]!.action]).toEqual(["ran", "ran"]);
      expect((await a.result("m")).getChild("who")!.get(0)).toBe("a");
      expect((await b.result("m")).getChild("who")!.get(0)).toBe("b");
      expect(await a.cancel()).toBe(true);
      expect((await slow).nodes.find((n) => n.name === "slow")?.action).toBe("failed");
      expect((await b.run(["m"])).nodes[0]!.action).toBe("reused"); // b's output is untouched
    } finally {
      await a.close();
      await b.close();
      await worker.stop();
    }
  }, 90_000);

  it("cancels the runs of a client that vanishes mid-run and frees them", async () => {
    const worker = await startWorkerProcess(["--client-timeout", "1500"]);
    const watcher = await WorkerClient.connect(worker.endpoint, { curve: curve(clientKeys) });
    const doomed = await Session.open({ lake, env: clientEnv(worker.endpoint) });
    try {
      await doomed.applyCell("c", `model("forever", {}, () => { for (;;) {} }, { timeoutMs: 600000 });`);
      void doomed.run(["forever"]).catch(() => {});
      const status = () => watcher.request<{ type: "status"; runs: number; clients: number; id: string } & never>({ type: "status" }) as Promise<{ runs: number }>;
      await until("the run started", async () => (await status()).runs === 1);
      await doomed.worker.close(); // gone without a word: no cancel, no bye
      await until("the worker cancelled the vanished client's run", async () => (await status()).runs === 0, 30_000);
      expect(worker.stderr()).toMatch(/client [0-9a-f]{8} silent for \d+ s: cancelled its 1 run\(s\)/);
    } finally {
      await doomed.close().catch(() => {});
      await watcher.close();
      await worker.stop();
    }
  }, 60_000);

  it("notices a worker killed mid-run; the session reconnects to its replacement and re-runs what was lost", async () => {
    const port = await freePort();
    let worker = await startWorkerProcess([], {}, port);
    const notices: string[] = [];
    const session = await Session.open({ lake, env: clientEnv(worker.endpoint), onNotice: (m) => notices.push(m) });
    try {
      await session.applyCell("c1", `model("jan", { tx: Model("transactions", { columns: ["id"], filter: "eventTime < '2023-02-01'" }) }, ({ tx }) => [{ n: tx.numRows }]);`);
      expect((await session.run()).nodes.every((n) => n.action === "ran")).toBe(true);
      await session.applyCell("c2", `model("slow", {}, () => { const end = Date.now() + 30000; while (Date.now() < end) {} return [{ x: 1 }]; }, { timeoutMs: 60000 });`);
      const slow = session.run(["slow"]);
      await new Promise((r) => setTimeout(r, 800));
      worker.process.kill("SIGKILL");
      await expect(slow).rejects.toThrow(/the worker was lost: no answer to heartbeats/);
      worker = await startWorkerProcess([], {}, port);
      const again = await session.run(["jan"]);
      expect(notices.join("\n")).toMatch(/the worker was lost .*reconnected to tcp:/);
      expect(again.nodes.map((n) => [n.action, n.reason])).toEqual([["ran", "evicted"], ["ran", "evicted"]]);
    } finally {
      await session.close();
      await worker.stop();
    }
  }, 90_000);
});

describe("object-store faults between the worker and S3", () => {
  let s3: S3rverHandle;
  let proxy: FaultProxy;
  let worker: RunningWorker;
  beforeAll(async () => {
    s3 = await startS3rver();
    const store = await openStore(s3.uri("lake"), s3.env);
    await writeSample(await Catalog.open(store), { rows: 20_000, months: 1 });
    await store.close();
    proxy = await startFaultProxy(s3.endpoint);
    worker = await startWorkerProcess([], { ...s3.env, LAKELOOP_LAKE: s3.uri("lake"), LAKELOOP_S3_ENDPOINT: proxy.endpoint });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await proxy?.stop();
    await s3?.stop();
  });

  it("retries throttling, 5xx and resets to the right answer; a persistent failure fails the node clearly", async () => {
    const session = await Session.open({ lake: s3.uri("lake"), env: { ...clientEnv(worker.endpoint), ...s3.env } });
    try {
      await session.applyCell("c", `model("total", { tx: Model("transactions", { columns: ["id", "usd"] }) }, ({ tx }) => [{ n: tx.numRows }]);`);
      const isData = (req: { url?: string }) => (req.url ?? "").includes("/data/");
      proxy.inject({ kind: "status", status: 503, code: "SlowDown" }, 2, isData);
      proxy.inject({ kind: "status", status: 500 }, 1, isData);
      proxy.inject({ kind: "reset" }, 1, isData);
      const report = await session.run();
      expect(report.nodes.map((n) => n.action), JSON.stringify(report.nodes)).toEqual(["ran", "ran"]);
      expect(proxy.counts.faults).toBeGreaterThanOrEqual(4);
      expect(Number((await session.result("total")).getChild("n")!.get(0))).toBe(20_000);

      proxy.inject({ kind: "status", status: 503, code: "SlowDown" }, Infinity, isData);
      await session.applyCell("c", `model("total", { tx: Model("transactions", { columns: ["id", "quantity"] }) }, ({ tx }) => [{ n: tx.numRows }]);`);
      const failed = await session.run();
      const scan = failed.nodes.find((n) => n.name.startsWith("transactions"))!;
      expect(scan.action).toBe("failed");
      expect(scan.error).toMatch(/503|SlowDown|retr/i);
      expect(failed.nodes.find((n) => n.name === "total")!.action).toBe("skipped");
      proxy.clear();
      expect((await session.run()).nodes.map((n) => n.action)).toEqual(["ran", "ran"]); // and it keeps serving
    } finally {
      await session.close();
    }
  }, 120_000);
});

describe("secrets", () => {
  it("are redacted from what the worker says", () => {
    const env = { AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AWS_REGION: "eu-west-1", LAKELOOP_TOKEN: "short" };
    const text = "S3 said: signature mismatch for wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in eu-west-1";
    expect(redact(text, secretsOf(env))).toBe("S3 said: signature mismatch for [redacted] in eu-west-1");
  });
});
