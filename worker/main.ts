// The worker process: opens the lake, the column cache and DuckDB, serves the worker
// protocol on a zeromq endpoint, prints "lakeloop worker listening on <endpoint>" once
// ready, and exits cleanly on SIGINT/SIGTERM — or when the session that spawned it dies.
import * as os from "node:os";
import { ColumnCache, defaultCacheDir } from "../cache/column-cache.js";
import { defaultPackagesDir, Environments } from "../sandbox/environments.js";
import { secretsOf } from "../secrets/redact.js";
import { Duck } from "../columnar/duckdb.js";
import { openSqlOverArrow } from "../columnar/sql-over-arrow.js";
import { openStore } from "../lake/store/open-store.js";
import { createNodeRunner } from "./run-node.js";
import { holdsOutput, materialize } from "./materialize.js";
import { MAIN } from "../lake/iceberg/branches/ref-names.js";
import { modelThreads } from "./run-ts-model.js";
import { WorkerServer } from "./server.js";
import { describeDiff } from "../cache/diff.js";
import { planScan } from "../lake/scan/plan-scan.js";
import { openCatalog } from "../lake/open-catalog.js";

export interface WorkerOptions {
  listen: string;
  lake: string;
  cacheDir?: string;
  /** The package store and environments of TypeScript models (default: LAKELOOP_PACKAGES). */
  packagesDir?: string;
  /** Bytes for resident outputs (default a quarter of this machine's memory). */
  memoryBudget?: number;
  parentPid?: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** CurveZMQ: the worker's key pair and the client public keys it accepts. */
  curve?: { secretKey: string; allow: Set<string> };
  /** A session's own worker: the password its clients give (see session-handoff.ts). */
  password?: string;
  clientTimeoutMs?: number;
}

export async function startWorker(options: WorkerOptions): Promise<{ server: WorkerServer; endpoint: string; stop(): Promise<void> }> {
  const env = options.env ?? process.env;
  // One S3 request that hangs this long is abandoned and retried (retry.ts) like a 503.
  const requestTimeoutMs = Number(env.LAKELOOP_S3_TIMEOUT_MS) > 0 ? Number(env.LAKELOOP_S3_TIMEOUT_MS) : undefined;
  const store = await openStore(options.lake, env, requestTimeoutMs ? { requestTimeoutMs } : {});
  const catalog = await openCatalog(store, env);
  const duck = await Duck.open();
  const sql = await openSqlOverArrow();
  // The catalog's store also reaches tables outside the lake (registered, REST, copied).
  const cache = new ColumnCache({ store: catalog.store, diskDir: options.cacheDir ?? defaultCacheDir(options.env), sql });
  // Scans of a run with the cache off (`lakeloop run --cache off`) read everything from the store.
  const uncached = new ColumnCache({ store: catalog.store, diskDir: options.cacheDir ?? defaultCacheDir(options.env), sql, enabled: false });
  // Model threads start now, so the first edit finds one warm.
  const threads = modelThreads();
  options.log?.(`SQL nodes: ${sql.path} path (${sql.reason})`);
  const server = new WorkerServer({
    listen: options.listen,
    memoryBudget: options.memoryBudget ?? Math.floor(os.totalmem() / 4),
    log: options.log,
    // The server redacts what it logs and sends back: the S3 credentials of this
    // environment and the worker's own CURVE secret.
    secrets: secretsOf(options.env ?? process.env, [...(options.curve ? [options.curve.secretKey] : []), ...(options.password ? [options.password] : [])]),
    lake: store.root,
    curve: options.curve,
    password: options.password,
    clientTimeoutMs: options.clientTimeoutMs,
    services: {
      runNode: createNodeRunner({ catalog, cache, uncached, duck, sql, environments: new Environments(options.packagesDir ?? defaultPackagesDir(options.env)) }),
      materializeReused: async (node, output) => {
        const target = { branch: node.materialize!.branch ?? MAIN, output: node.id };
        if (await holdsOutput(catalog, node.materialize!.table, target)) return undefined;
        return materialize(catalog, duck, node.materialize!.table, output, node.name, target);
      },
      diff: async (scans) => Promise.all(scans.map(async (s) => {
        const plan = await planScan(catalog, s);
        const diff = await cache.diff(plan);
        return { node: s.node, summary: describeDiff(diff), memoryBytes: diff.bytes.memory, diskBytes: diff.bytes.disk, fetchBytes: diff.bytes.fetch };
      })),
      cacheStatus: () => cache.status(),
      engine: () => ({ sql: sql.path, reason: sql.reason }),
      dropDamaged: (buffers) => { cache.memory.deleteSharing(buffers); },
      close: async () => {
        await cache.close();
        await uncached.close();
        duck.close();
        await sql.close();
        threads.close();
        await store.close();
      },
    },
  });
  const endpoint = await server.start();
  let watch: NodeJS.Timeout | undefined;
  if (options.parentPid) {
    // A local worker must not outlive the session that spawned it.
    watch = setInterval(() => {
      try {
        process.kill(options.parentPid!, 0);
      } catch {
        void stop().then(() => process.exit(0));
      }
    }, 1000);
    watch.unref();
  }
  const stop = async () => {
    if (watch) clearInterval(watch);
    await server.close();
  };
  return { server, endpoint, stop };
}
