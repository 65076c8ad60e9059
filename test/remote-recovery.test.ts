// Faults between a session and its worker, end to end: a remote worker killed mid-run
// (and brought back on its address, as systemd does), a network cut that leaves both
// processes alive (network namespace only), and a local worker killed mid-run. Each
// time the session notices, says so, gets a worker again, re-plans and re-runs what was
// lost — the scans from the disk cache, not the lake — and the run the user started
// still ends with an answer.
import { cachedBytes } from "../engine/run/node-state.js";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session, type RunReport } from "../engine/session.js";
import type { NodeEvent } from "../protocol/messages.js";
import { writeSample } from "../lake/ingest/sample.js";
import { FileStore } from "../lake/store/file-store.js";
import { openRemoteHost, type RemoteHost } from "./remote-host.js";
import { clientEnv, makeKeys, pickPort, sleepyModel, startWorkerProcess, tempDir, until, type Keys, type WorkerProcess } from "./remote-worker-process.js";
import { openCatalog } from "../lake/open-catalog.js";

let host: RemoteHost;
let temp: { dir: string; remove(): Promise<void> };
let keys: Keys;
let lake: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  host = await openRemoteHost();
  process.stdout.write(`remote-recovery: the worker runs on ${host.description}\n`);
  temp = await tempDir("lakeloop-remote-recovery-");
  const store = await FileStore.open(path.join(temp.dir, "lake"));
  lake = store.root;
  await writeSample(await openCatalog(store), { rows: 40_000, months: 2 });
  keys = await makeKeys(temp.dir);
}, 60_000);

afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  await host?.close();
  await temp?.remove();
});

const JAN = `model("jan", { tx: Model("transactions", { columns: ["id", "usd"], filter: "eventTime < '2023-02-01'" }) }, ({ tx }) => [{ n: tx.numRows }]);`;
const action = (report: RunReport, name: string) => report.nodes.find((n) => n.name === name)?.action;
const scanOf = (report: RunReport) => report.nodes.find((n) => n.kind === "scan")!;
const started = (events: NodeEvent[], name: string) => events.some((e) => e.type === "node-started" && e.name === name);

describe("recovering from a lost worker (the worker's host is described in the test output)", () => {
  it("a remote worker killed mid-run: the session reconnects to its replacement and the run still ends, re-running what was lost from the disk cache", async () => {
    const port = pickPort();
    const cacheDir = path.join(temp.dir, "cache-killed");
    let worker: WorkerProcess = await startWorkerProcess(host, keys, { lake, cacheDir, port });
    stops.push(() => worker.stop());
    const notices: string[] = [];
    const session = await Session.open({ lake, env: clientEnv(worker.endpoint, keys), onNotice: (m) => notices.push(m) });
    stops.push(() => session.close());

    await session.applyCell("c1", JAN);
    expect((await session.run()).nodes.every((n) => n.action === "ran")).toBe(true);
    await session.applyCell("c2", sleepyModel("slow", 3000));
    const events: NodeEvent[] = [];
    const slow = session.run(["slow"], (e) => events.push(e));
    await until("the slow model started", () => started(events, "slow"));

    worker.process.kill("SIGKILL");
    // A supervisor brings the worker back on its address with the same disk cache.
    worker = await startWorkerProcess(host, keys, { lake, cacheDir, port });
    const report = await slow;
    expect(action(report, "slow")).toBe("ran");
    expect(notices.join("\n")).toMatch(/the worker was lost: .*; reconnecting to tcp:\/\/.* to run again/);
    expect(notices.join("\n")).toMatch(/reconnected to tcp:\/\/\S+ and re-planned/);

    // What the dead worker held runs again on the new one; its scan from the disk cache.
    const again = await session.run(["jan"]);
    expect(again.nodes.map((n) => [n.action, n.reason])).toEqual([["ran", "evicted"], ["ran", "evicted"]]);
    expect(scanOf(again)).toMatchObject({ read: { objectStoreBytes: 0 } });
    expect(cachedBytes(scanOf(again).read)).toBeGreaterThan(0);
  }, 120_000);

  it("a network cut mid-run: both sides notice, the worker cancels the orphaned run, the session reconnects when the link is back", async (ctx) => {
    if (!host.cut || !host.mend) {
      process.stdout.write("remote-recovery: no network namespace here, so no link to cut: the network-cut case is skipped\n");
      return ctx.skip();
    }
    const worker = await startWorkerProcess(host, keys, { lake, cacheDir: path.join(temp.dir, "cache-cut"), args: ["--client-timeout", "3000"] });
    stops.push(() => worker.stop());
    const notices: string[] = [];
    const session = await Session.open({ lake, env: clientEnv(worker.endpoint, keys), onNotice: (m) => notices.push(m) });
    stops.push(() => session.close());
    await session.applyCell("c1", JAN);
    await session.run();
    await session.applyCell("c2", sleepyModel("slow", 8000));
    const events: NodeEvent[] = [];
    const slow = session.run(["slow"], (e) => events.push(e));
    await until("the slow model started", () => started(events, "slow"));

    await host.cut();
    try {
      // Neither process died and no connection was reset: only heartbeats can tell.
      await until("the session noticed", () => notices.some((n) => /the worker was lost: .*reconnecting/.test(n)));
      await until("the worker cancelled the orphaned run", () => /client [0-9a-f]{8} silent for \d+ s: cancelled its 1 run\(s\)/.test(worker.stderr()));
    } finally {
      await host.mend();
    }
    const report = await slow;
    expect(action(report, "slow")).toBe("ran");
    expect(notices.join("\n")).toMatch(/reconnected to tcp:/);
    // The same worker, still holding what it computed before the cut: nothing else re-runs.
    expect((await session.run(["jan"])).nodes.map((n) => n.action)).toEqual(["reused"]);
  }, 120_000);

  it("a local worker killed mid-run: the session starts a new one and the run still ends", async () => {
    const notices: string[] = [];
    const env = { ...process.env, LAKELOOP_WORKER: "", LAKELOOP_CACHE: path.join(temp.dir, "cache-local") };
    const session = await Session.open({ lake, env, onNotice: (m) => notices.push(m) });
    stops.push(() => session.close());
    await session.applyCell("c1", JAN);
    await session.run();
    await session.applyCell("c2", sleepyModel("slow", 3000));
    const events: NodeEvent[] = [];
    const slow = session.run(["slow"], (e) => events.push(e));
    await until("the slow model started", () => started(events, "slow"));
    const first = session.local!.process.pid;
    session.local!.process.kill("SIGKILL");
    expect(action(await slow, "slow")).toBe("ran");
    expect(session.local!.process.pid).not.toBe(first);
    // The process's exit or its connection's drop, whichever the session saw first.
    expect(notices.join("\n")).toMatch(/the worker was lost: (the local worker process exited \(SIGKILL\)|the connection to ipc:\S+ dropped); starting a new local worker/);
    expect(notices.join("\n")).toMatch(/started a new local worker and re-planned/);
    const again = await session.run(["jan"]);
    expect(again.nodes.map((n) => n.action)).toEqual(["ran", "ran"]);
    expect(scanOf(again)).toMatchObject({ read: { objectStoreBytes: 0 } });
  }, 120_000);
});
