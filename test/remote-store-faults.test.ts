// Object-store faults between a remote worker and S3 (s3rver behind the fault proxy; the
// worker in a network namespace with CURVE, else on loopback — remote-host.ts says which ran):
// throttling, 5xx, connection resets and requests that hang past their timeout are
// retried with backoff to the same answer a fault-free read gives; a failure that
// persists fails the scan with the store's error and skips what depends on it — never a
// wrong answer — and the worker keeps serving once the store is back.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session, type RunReport } from "../engine/session.js";
import { writeSample } from "../lake/ingest/sample.js";
import { openStore } from "../lake/store/open-store.js";
import { startFaultProxy, type FaultProxy } from "../testing/fault-proxy.js";
import { startS3rver, type S3rverHandle } from "../testing/s3rver.js";
import { openRemoteHost, type RemoteHost } from "./remote-host.js";
import { clientEnv, makeKeys, startWorkerProcess, tempDir, type Keys, type WorkerProcess } from "./remote-worker-process.js";
import { openCatalog } from "../lake/open-catalog.js";

let host: RemoteHost;
let temp: { dir: string; remove(): Promise<void> };
let keys: Keys;
let s3: S3rverHandle;
let proxy: FaultProxy;
let worker: WorkerProcess;

beforeAll(async () => {
  host = await openRemoteHost();
  process.stdout.write(`remote-store-faults: the worker runs on ${host.description}\n`);
  temp = await tempDir("lakeloop-remote-store-");
  keys = await makeKeys(temp.dir);
  s3 = await startS3rver();
  const store = await openStore(s3.uri("lake"), s3.env);
  await writeSample(await openCatalog(store), { rows: 20_000, months: 1 });
  await store.close();
  proxy = await startFaultProxy(s3.endpoint);
  // The worker reaches S3 only through the proxy (relayed into its namespace when it has one).
  const proxyThere = await host.expose(Number(new URL(proxy.endpoint).port));
  worker = await startWorkerProcess(host, keys, {
    lake: s3.uri("lake"), cacheDir: path.join(temp.dir, "cache"),
    env: { ...s3.env, LAKELOOP_LAKE: s3.uri("lake"), LAKELOOP_S3_ENDPOINT: `http://${proxyThere}`, LAKELOOP_S3_TIMEOUT_MS: "1000" },
  });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await proxy?.stop();
  await s3?.stop();
  await host?.close();
  await temp?.remove();
});

const TOTAL = (columns: string) => `model("total", { tx: Model("transactions", { columns: [${columns}] }) }, ({ tx }) => {
  let sum = 0;
  for (const v of tx.getChild("usd")) sum += Number(v);
  return [{ n: tx.numRows, sum }];
});`;
const answer = (report: RunReport) => {
  const row = report.previews.find((p) => p.name === "total")!.table.get(0)!.toJSON() as { n: number; sum: number };
  return { n: Number(row.n), sum: Number(row.sum) };
};
/** Requests for table data (Parquet column chunks), not metadata. */
const isData = (req: { url?: string }) => (req.url ?? "").includes("/data/");

describe("object-store faults between a remote worker and S3 (the worker's host is described in the test output)", () => {
  it("retries throttling, 5xx, resets and timeouts to the fault-free answer; a persistent failure fails the scan clearly; then serves again", async () => {
    // The fault-free answer, from a local worker reading S3 directly.
    const reference = await Session.open({ lake: s3.uri("lake"), env: { ...process.env, ...s3.env, LAKELOOP_WORKER: "", LAKELOOP_CACHE: path.join(temp.dir, "cache-reference") } });
    let expected: { n: number; sum: number };
    try {
      await reference.applyCell("c", TOTAL(`"id", "usd"`));
      expected = answer(await reference.run(["total"]));
    } finally {
      await reference.close();
    }
    expect(expected.n).toBe(20_000);

    const session = await Session.open({ lake: s3.uri("lake"), env: { ...clientEnv(worker.endpoint, keys), ...s3.env } });
    try {
      await session.applyCell("c", TOTAL(`"id", "usd"`));
      // One of each in a row, on the scan's reads (one data file: they hit the same read's
      // attempts, so the fifth and last attempt the policy allows is the one that succeeds).
      proxy.inject({ kind: "status", status: 503, code: "SlowDown" }, 1, isData);
      proxy.inject({ kind: "status", status: 500 }, 1, isData);
      proxy.inject({ kind: "reset" }, 1, isData);
      // A request that hangs far past the worker's 1 s request timeout: it must give up on it.
      let abandoned = 0;
      const hangs = (req: { url?: string; socket: { once(e: "close", f: () => void): unknown } }) => {
        if (!isData(req)) return false;
        req.socket.once("close", () => abandoned++);
        return true;
      };
      proxy.inject({ kind: "delay", ms: 15_000 }, 1, hangs);
      const faulty = await session.run(["total"]);
      expect(faulty.nodes.map((n) => n.action), JSON.stringify(faulty.nodes)).toEqual(["ran", "ran"]);
      expect(proxy.counts.faults).toBe(4);
      // Answered before the hanging request was: the worker hung up on it and retried.
      expect(abandoned).toBe(1);
      expect(answer(faulty)).toEqual(expected);

      // The store keeps failing: the scan fails with the store's error, its dependant is skipped.
      proxy.inject({ kind: "status", status: 503, code: "SlowDown" }, Infinity, isData);
      await session.applyCell("c", TOTAL(`"id", "usd", "quantity"`));
      const failed = await session.run(["total"]);
      const scan = failed.nodes.find((n) => n.kind === "scan")!;
      expect(scan.action).toBe("failed");
      expect(scan.error).toMatch(/failed after 5 attempts: HTTP 503 SlowDown/);
      expect(failed.nodes.find((n) => n.name === "total")!.action).toBe("skipped");
      expect(failed.previews).toEqual([]);

      proxy.clear();
      const healed = await session.run(["total"]);
      expect(healed.nodes.map((n) => n.action)).toEqual(["ran", "ran"]);
      expect(answer(healed)).toEqual(expected);
    } finally {
      await session.close();
    }
  }, 120_000);
});
