// A remote worker's security, end to end: a `lakeloop worker` process on a non-loopback
// address (a network namespace where this machine allows one; remote-host.ts says which
// ran) with CurveZMQ on. Refusals (no key, a stranger's key, another worker's key
// pinned) get nothing and are logged; an allowed client runs models; the allow list is
// re-read on SIGHUP; and no secret reaches a log, an error reply or a report.
import { spawn } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../engine/session.js";
import { WorkerClient } from "../engine/link/worker-client.js";
import { writeSample } from "../lake/ingest/sample.js";
import { FileStore } from "../lake/store/file-store.js";
import { openRemoteHost, type RemoteHost } from "./remote-host.js";
import { bin, clientEnv, makeKeys, startWorkerProcess, tempDir, until, type Keys, type WorkerProcess } from "./remote-worker-process.js";
import { openCatalog } from "../lake/open-catalog.js";

let host: RemoteHost;
let temp: { dir: string; remove(): Promise<void> };
let keys: Keys;
let lake: string;
let worker: WorkerProcess;
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

beforeAll(async () => {
  host = await openRemoteHost();
  process.stdout.write(`remote-security: the worker runs on ${host.description}\n`);
  temp = await tempDir("lakeloop-remote-security-");
  const store = await FileStore.open(path.join(temp.dir, "lake"));
  lake = store.root;
  await writeSample(await openCatalog(store), { rows: 20_000, months: 1 });
  keys = await makeKeys(temp.dir);
  // The worker holds S3-style credentials in its environment: they must never come back out.
  worker = await startWorkerProcess(host, keys, { lake, cacheDir: path.join(temp.dir, "cache"), env: { AWS_SECRET_ACCESS_KEY: SECRET } });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await host?.close();
  await temp?.remove();
});

const curveAs = (pair: { publicKey: string; secretKey: string }, serverKey = keys.worker.publicKey) => ({ serverKey, publicKey: pair.publicKey, secretKey: pair.secretKey });

describe("remote worker security (the worker's host is described in the test output)", () => {
  it("keygen writes a key pair with the secret at mode 600; a worker off loopback without keys refuses to start", async () => {
    const dir = path.join(temp.dir, "keygen");
    const keygen = spawn(process.execPath, [bin, "worker", "keygen", "--dir", dir, "--name", "w"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    keygen.stdout.on("data", (d) => { out += d; });
    expect(await new Promise((r) => keygen.on("exit", r))).toBe(0);
    expect((await stat(path.join(dir, "w.key"))).mode & 0o777).toBe(0o600);
    const pub = (await readFile(path.join(dir, "w.pub"), "utf8")).trim();
    expect(out).toContain(`public key: ${pub}`);
    expect(out).not.toMatch(/secret-key/);

    const child = spawn(process.execPath, [bin, "worker", "--listen", "tcp://0.0.0.0:0"], { env: { ...process.env, LAKELOOP_LAKE: lake }, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => { err += d; });
    expect(await new Promise((r) => child.on("exit", r))).toBe(2);
    expect(err).toMatch(/\(not loopback\) must use CURVE: run 'lakeloop worker keygen'/);
  });

  it("gives nothing to a client without a key, with a stranger's key, or pinning another worker's key, and logs each refusal", async () => {
    await expect(WorkerClient.connect(worker.endpoint, { timeoutMs: 10_000 })).rejects.toMatchObject({ code: "WORKER_REFUSED" });
    await expect(WorkerClient.connect(worker.endpoint, { timeoutMs: 10_000, curve: curveAs(keys.stranger) })).rejects.toMatchObject({ code: "WORKER_REFUSED", message: expect.stringMatching(/refused this client's key/) });
    // A client that pinned another key never completes a handshake: an impostor worker would learn nothing from it either.
    await expect(WorkerClient.connect(worker.endpoint, { timeoutMs: 2000, curve: curveAs(keys.client, keys.stranger.publicKey) })).rejects.toMatchObject({ code: "WORKER_UNREACHABLE" });
    await until("the refusals in the worker's log", () =>
      worker.stderr().includes(`its key ${keys.stranger.publicKey.slice(0, 8)}… is not in the allow list`) && /refused a connection from .*does not speak CURVE/.test(worker.stderr()));
    expect(worker.stderr()).not.toContain(keys.worker.secretKey);
    expect(worker.stderr()).not.toContain(keys.stranger.secretKey);
  }, 60_000);

  it("serves an allowed client over CURVE, with keys from the environment or from session options", async () => {
    const fromEnv = await Session.open({ lake, env: clientEnv(worker.endpoint, keys) });
    try {
      await fromEnv.applyCell("c1", `model("jan", { tx: Model("transactions", { columns: ["id", "usd"] }) }, ({ tx }) => [{ n: tx.numRows }]);`);
      expect((await fromEnv.run()).nodes.map((n) => n.action)).toEqual(["ran", "ran"]);
      expect(Number((await fromEnv.result("jan")).getChild("n")!.get(0))).toBe(20_000);
    } finally {
      await fromEnv.close();
    }
    const fromOptions = await Session.open({ lake, env: { ...process.env, LAKELOOP_WORKER_TIMEOUT_MS: "3000" }, worker: worker.endpoint, workerKey: path.join(keys.dir, "worker.pub"), clientKey: keys.clientFile });
    try {
      await fromOptions.applyCell("c1", `model("jan", { tx: Model("transactions", { columns: ["id", "usd"] }) }, ({ tx }) => [{ n: tx.numRows }]);`);
      // Another session, the same fingerprints: what the first computed is reused.
      expect((await fromOptions.run()).nodes.map((n) => n.action)).toEqual(["reused"]);
    } finally {
      await fromOptions.close();
    }
  }, 60_000);

  it("never sends plaintext off this machine: a session without keys for a remote worker fails before connecting", async () => {
    // It fails before connecting, so when the worker is on loopback (where plaintext is
    // this machine's business) an address off it that nothing answers on serves: TEST-NET-1.
    const endpoint = host.kind === "loopback" ? "tcp://192.0.2.1:5555" : worker.endpoint;
    await expect(Session.open({ lake, env: { ...process.env, LAKELOOP_WORKER: endpoint, LAKELOOP_WORKER_KEY: "", LAKELOOP_CLIENT_KEY: "" } }))
      .rejects.toThrow(/is not on this machine, and a remote worker is reached only over CurveZMQ: set LAKELOOP_WORKER_KEY/);
  });

  it("re-reads its allow list on SIGHUP: a newly allowed client connects without a restart", async () => {
    await expect(WorkerClient.connect(worker.endpoint, { timeoutMs: 10_000, curve: curveAs(keys.stranger) })).rejects.toMatchObject({ code: "WORKER_REFUSED" });
    await writeFile(keys.allowFile, `${keys.client.publicKey}\n${keys.stranger.publicKey}\n`);
    worker.process.kill("SIGHUP");
    await until("the reload logged", () => worker.stderr().includes("2 client key(s) allowed"));
    const welcomed = await WorkerClient.connect(worker.endpoint, { timeoutMs: 10_000, curve: curveAs(keys.stranger) });
    await welcomed.close();
    await writeFile(keys.allowFile, `${keys.client.publicKey}\n`);
    worker.process.kill("SIGHUP");
    await until("the second reload logged", () => worker.stderr().split("\n").filter((l) => l.includes("1 client key(s) allowed")).length >= 1);
    await expect(WorkerClient.connect(worker.endpoint, { timeoutMs: 10_000, curve: curveAs(keys.stranger) })).rejects.toMatchObject({ code: "WORKER_REFUSED" });
  }, 60_000);

  it("keeps the credentials in its environment out of error replies, reports and its log", async () => {
    const session = await Session.open({ lake, env: clientEnv(worker.endpoint, keys) });
    try {
      // A failure whose text quotes the worker's credential (as an S3 SDK error may).
      await session.applyCell("leak", `model("leaky", {}, () => { throw new Error("signature mismatch for ${SECRET} (key AKIAIOSFODNN7EXAMPLE)"); });`);
      const report = await session.run(["leaky"]);
      const failed = report.nodes.find((n) => n.name === "leaky")!;
      expect(failed.action).toBe("failed");
      expect(failed.error).toMatch(/signature mismatch for \[redacted\] \(key AKIA\[redacted\]\)/);
      expect(JSON.stringify(report.nodes)).not.toContain(SECRET);
    } finally {
      await session.close();
    }
    expect(worker.stderr()).not.toContain(SECRET);
  }, 60_000);
});
