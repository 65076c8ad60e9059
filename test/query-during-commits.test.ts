// A query pins one snapshot and one plan from plan to fetch. Another writer rewriting
// the table in the meantime (`lakeloop sample` in another terminal) must not make the
// fetch re-plan onto the new snapshot and ask the worker for an output it never made
// ("node … is not resident on this worker"). The writer here commits snapshots in a
// bounded loop while the reader queries; each fetch waits for a commit after its run,
// so every fetch sees a table newer than the one its run read.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../engine/session.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { writeSample } from "../lake/ingest/sample.js";
import { openStore } from "../lake/store/open-store.js";
import type { ObjectStore } from "../lake/store/object-store.js";
import { openCatalog } from "../lake/open-catalog.js";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "lakeloop.js");
const QUERIES = 6;
const MAX_COMMITS = 60;
let dir: string;
let env: NodeJS.ProcessEnv;
let store: ObjectStore;
let catalog: Catalog;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-pinned-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  store = await openStore(env.LAKELOOP_LAKE!, env);
  catalog = await openCatalog(store);
  await writeSample(catalog, { rows: 1000, months: 1 });
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** Rewrites the table again and again (a different row count each time) until stopped. */
function startWriter() {
  const written = new Set([1000]);
  let stopped = false;
  let waiters: (() => void)[] = [];
  const done = (async () => {
    for (let i = 1; i <= MAX_COMMITS && !stopped; i++) {
      await writeSample(catalog, { rows: 1000 + i, months: 1 });
      written.add(1000 + i);
      waiters.forEach((w) => w());
      waiters = [];
    }
    stopped = true;
    waiters.forEach((w) => w());
  })();
  return {
    written,
    /** Resolves at the writer's next commit. */
    nextCommit: () => new Promise<void>((resolve) => (stopped ? resolve() : waiters.push(resolve))),
    stop: async () => { stopped = true; await done; },
  };
}

describe("a query while another writer commits snapshots", () => {
  it("fetches what its own run made, from one snapshot", async () => {
    const session = await Session.open({ env });
    const writer = startWriter();
    try {
      for (let q = 0; q < QUERIES; q++) {
        // What `lakeloop query` does: run the query, then fetch its output.
        await session.applyCell("query", "%%sql query\nSELECT count(*) AS n, count(DISTINCT id) AS ids FROM transactions");
        const report = await session.run(["query"]);
        expect(report.nodes.find((n) => n.action === "failed")).toBeUndefined();
        await writer.nextCommit();
        const [table] = await session.fetch("query", report.planned);
        const n = Number(table!.getChild("n")!.get(0));
        expect(writer.written.has(n), `${n} rows is no snapshot's row count`).toBe(true);
        expect(Number(table!.getChild("ids")!.get(0))).toBe(n);

        // What the kernel's result() does: the same, in one call.
        const result = await session.result("query");
        expect(writer.written.has(Number(result.getChild("n")!.get(0)))).toBe(true);
      }
    } finally {
      await writer.stop();
      await session.close();
    }
    expect(writer.written.size).toBeGreaterThan(QUERIES);
  }, 120_000);

  it("`lakeloop query` answers from one snapshot while the table is rewritten", async () => {
    const writer = startWriter();
    try {
      for (let q = 0; q < 2; q++) {
        const { stdout } = await promisify(execFile)(process.execPath, [bin, "query", "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM transactions", "--csv"], { env, cwd: dir });
        const [n, ids] = stdout.trim().split("\n")[1]!.split(",").map(Number);
        expect(writer.written.has(n!), stdout).toBe(true);
        expect(ids).toBe(n);
      }
    } finally {
      await writer.stop();
    }
  }, 120_000);
});
