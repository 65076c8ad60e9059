// One remote worker, several sessions (the worker in a network namespace with CURVE, else
// on loopback; remote-host.ts says which ran): definitions never mix, equal fingerprints share
// one computation, one session's cancel or crash leaves the others alone, a client that
// vanishes mid-run has its run cancelled and is forgotten, a session on another lake is
// refused, and malformed frames get error replies while the worker keeps serving.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dealer } from "zeromq";
import { Session } from "../engine/session.js";
import { writeSample } from "../lake/ingest/sample.js";
import { FileStore } from "../lake/store/file-store.js";
import type { Reply } from "../protocol/messages.js";
import { openRemoteHost, type RemoteHost } from "./remote-host.js";
import { clientEnv, makeKeys, root, sleepyModel, startWorkerProcess, tempDir, until, type Keys, type WorkerProcess } from "./remote-worker-process.js";
import { openCatalog } from "../lake/open-catalog.js";

let host: RemoteHost;
let temp: { dir: string; remove(): Promise<void> };
let keys: Keys;
let lake: string;
let worker: WorkerProcess;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  host = await openRemoteHost();
  process.stdout.write(`remote-sessions: the worker runs on ${host.description}\n`);
  temp = await tempDir("lakeloop-remote-sessions-");
  const store = await FileStore.open(path.join(temp.dir, "lake"));
  lake = store.root;
  await writeSample(await openCatalog(store), { rows: 20_000, months: 1 });
  keys = await makeKeys(temp.dir);
  worker = await startWorkerProcess(host, keys, { lake, cacheDir: path.join(temp.dir, "cache"), args: ["--client-timeout", "2000"] });
}, 60_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await worker?.stop();
  await host?.close();
  await temp?.remove();
});

async function openSession(): Promise<Session> {
  const session = await Session.open({ lake, env: clientEnv(worker.endpoint, keys) });
  closers.push(() => session.close());
  return session;
}

const status = async (session: Session) => (await session.worker.request({ type: "status" })) as Extract<Reply, { type: "status" }>;
/** A model whose output differs each time it is computed: equal values mean one computation. */
const DICE = `model("dice", {}, () => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500); return [{ r: Math.random() }]; });`;

describe("several sessions on one remote worker (the worker's host is described in the test output)", () => {
  it("keeps definitions apart, computes equal fingerprints once, and one session's cancel leaves the other's work alone", async () => {
    const a = await openSession();
    const b = await openSession();
    await a.applyCell("c", `model("m", {}, () => [{ who: "a" }]);`);
    await b.applyCell("c", `model("m", {}, () => [{ who: "b" }]);`);
    const [ra, rb] = await Promise.all([a.run(["m"]), b.run(["m"])]);
    expect([ra.nodes[0]!.action, rb.nodes[0]!.action]).toEqual(["ran", "ran"]);
    expect((await a.result("m")).getChild("who")!.get(0)).toBe("a");
    expect((await b.result("m")).getChild("who")!.get(0)).toBe("b");

    // The same model in both sessions, run at the same time: one computation, one answer.
    await a.applyCell("d", DICE);
    await b.applyCell("d", DICE);
    const dice = await Promise.all([a.run(["dice"]), b.run(["dice"])]);
    // Each run's preview is its own answer (taken as its run ends): two computations would differ.
    const [da, db] = dice.map((r) => Number(r.previews[0]!.table.getChild("r")!.get(0)));
    expect(dice.map((r) => r.nodes[0]!.action)).toEqual(["ran", "ran"]);
    expect(da).toBe(db);

    // Both wait on one shared node; a cancels: b's run still gets its answer.
    await a.applyCell("s", sleepyModel("together", 2500, 7));
    await b.applyCell("s", sleepyModel("together", 2500, 7));
    const startedA: string[] = [];
    const runA = a.run(["together"], (e) => { if (e.type === "node-started") startedA.push(e.name); });
    const runB = b.run(["together"]);
    await until("a's run started", () => startedA.includes("together"));
    await until("both runs are on the worker", async () => (await status(b)).runs === 2);
    expect(await a.cancel()).toBe(true);
    expect((await runA).nodes[0]!.action).toBe("cancelled");
    expect((await runB).nodes[0]!.action).toBe("ran");
    expect(Number((await b.result("together")).getChild("x")!.get(0))).toBe(7);
  }, 90_000);

  it("cancels the run of a client whose process dies mid-run and forgets it, while another session's run carries on", async () => {
    const survivor = await openSession();
    const before = (await status(survivor)).clients;
    // A session in another process, killed without a word (no cancel, no bye).
    const script = [
      `import { Session } from ${JSON.stringify(path.join(root, "dist/engine/session.js"))};`,
      `const s = await Session.open({ lake: ${JSON.stringify(lake)} });`,
      `await s.applyCell("c", ${JSON.stringify(sleepyModel("orphan", 60_000))});`,
      `await s.run(["orphan"], (e) => { if (e.type === "node-started") console.log("started"); });`,
    ].join("\n");
    const doomed = spawn(process.execPath, ["--input-type=module", "-e", script], { env: clientEnv(worker.endpoint, keys), stdio: ["ignore", "pipe", "pipe"] });
    closers.push(async () => { doomed.kill("SIGKILL"); });
    let out = "";
    doomed.stdout.on("data", (d) => { out += d; });
    await until("the doomed session's run started", () => out.includes("started"));
    await survivor.applyCell("c", sleepyModel("steady", 4000, 3));
    const steady = survivor.run(["steady"]);
    await until("both runs are on the worker", async () => (await status(survivor)).runs === 2);

    doomed.kill("SIGKILL");
    await until("the worker cancelled the vanished client's run", () => /client [0-9a-f]{8} silent for \d+ s: cancelled its 1 run\(s\)/.test(worker.stderr()));
    await until("the vanished client is forgotten", async () => (await status(survivor)).clients === before);
    expect((await steady).nodes[0]!.action).toBe("ran");
    expect((await status(survivor)).runs).toBe(0);
  }, 90_000);

  it("refuses a session whose lake is not the worker's", async () => {
    const other = await FileStore.open(path.join(temp.dir, "other-lake"));
    await expect(Session.open({ lake: other.root, env: clientEnv(worker.endpoint, keys) })).rejects.toMatchObject({
      code: "WORKER_OTHER_LAKE", message: expect.stringContaining(`serves the lake ${lake}, but this session's lake is ${other.root}`),
    });
  });

  it("answers malformed frames, foreign versions and broken requests with errors, and keeps serving", async () => {
    const socket = new Dealer({ linger: 0, curveServerKey: keys.worker.publicKey, curvePublicKey: keys.client.publicKey, curveSecretKey: keys.client.secretKey });
    closers.push(async () => socket.close());
    socket.connect(worker.endpoint);
    const ask = async (frames: (Buffer | string)[]) => {
      await socket.send(frames);
      const [reply] = await socket.receive();
      return JSON.parse(reply!.toString()) as { type: string; id: string; error?: { code: string; message: string } };
    };
    expect(await ask(["not json at all"])).toMatchObject({ type: "error", error: { code: "PROTOCOL_MALFORMED", message: expect.stringMatching(/not JSON/) } });
    expect(await ask([Buffer.from([0xff, 0x00, 0xfe]), Buffer.alloc(1000, 7)])).toMatchObject({ type: "error", error: { code: "PROTOCOL_MALFORMED" } });
    expect(await ask(["[1,2,3]"])).toMatchObject({ type: "error", error: { code: "PROTOCOL_VERSION" } });
    expect(await ask([JSON.stringify({ v: 99, type: "ping", id: "x1" })])).toMatchObject({ type: "error", id: "x1", error: { code: "PROTOCOL_VERSION", message: expect.stringMatching(/version 99/) } });
    expect(await ask([JSON.stringify({ v: 2, type: "teleport", id: "x2" })])).toMatchObject({ type: "error", id: "x2", error: { code: "PROTOCOL_UNKNOWN_TYPE" } });
    expect(await ask([JSON.stringify({ v: 2, type: "run", id: "x3" })])).toMatchObject({ type: "error", id: "x3", error: { message: expect.stringMatching(/malformed plan/) } });
    expect(await ask([JSON.stringify({ v: 2, type: "run", id: "x4", plan: { planId: "p", nodes: [], targets: ["nope"] } })]))
      .toMatchObject({ type: "error", id: "x4", error: { message: expect.stringMatching(/names node nope but does not define it/) } });
    expect(await ask([JSON.stringify({ v: 2, type: "ping", id: "x5" })])).toMatchObject({ type: "pong", id: "x5" });
    // And a whole session still works.
    const session = await openSession();
    await session.applyCell("c", `model("after", {}, () => [{ ok: true }]);`);
    expect((await session.run(["after"])).nodes[0]!.action).toBe("ran");
  }, 60_000);
});
