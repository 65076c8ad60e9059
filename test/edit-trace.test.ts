// The main path end to end: a session with a real worker process re-plans on every
// edit and re-runs only what changed, fetching only new bytes.
import { cachedBytes } from "../engine/run/node-state.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../lake/iceberg/catalog.js";
import { openCatalog } from "../lake/open-catalog.js";
import { writeSample } from "../lake/ingest/sample.js";
import { planScan } from "../lake/scan/plan-scan.js";
import { FileStore } from "../lake/store/file-store.js";
import { Session, type RunReport } from "../engine/session.js";
import { fileURLToPath } from "node:url";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";

let dir: string;
let session: Session;
let catalog: Catalog;

const windowCell = (filter: string, columns = `"id", "usd", "country"`) => `
import { model, Model } from "lakeloop";
model("window", { tx: Model("transactions", { columns: [${columns}], filter: "${filter}" }) }, ({ tx }) => tx);`;

const euroCell = (extra = "") => `
model("euro", { w: Model("window") }, ({ w }, { arrow }) => {
  const keep = new Set(["DE", "FR", "IT", "ES"${extra}]);
  const country = w.getChild("country");
  const usd = w.getChild("usd");
  const rows = [];
  for (let i = 0; i < w.numRows; i++) if (keep.has(country.get(i))) rows.push({ country: country.get(i), usd: usd.get(i) });
  return rows;
});`;

const aggregateCell = (fn = "sum") => `%%sql by_country\nSELECT country, ${fn}(usd) AS total, count(*) AS n FROM euro GROUP BY country ORDER BY country`;

const JAN = "eventTime BETWEEN '2023-01-01' AND '2023-02-01'";
const JAN_FEB = "eventTime BETWEEN '2023-01-01' AND '2023-03-01'";

const byName = (report: RunReport) => Object.fromEntries(report.nodes.map((n) => [n.name.startsWith("transactions") ? "scan" : n.name, n]));
const ran = (report: RunReport) => report.nodes.filter((n) => n.action === "ran").map((n) => (n.name.startsWith("transactions") ? "scan" : n.name)).sort();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-trace-"));
  const store = await FileStore.open(path.join(dir, "lake"));
  catalog = await openCatalog(store);
  await writeSample(catalog, { rows: 60_000, months: 6, rowGroupRows: 4096 });
  session = await Session.open({ lake: store.root, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache") } });
});
afterAll(async () => {
  await session?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the edit trace", () => {
  it("runs a fresh DAG, then re-runs only what each edit changes", async () => {
    await session.applyCell("c1", windowCell(JAN));
    await session.applyCell("c2", euroCell());
    let report = (await session.runCell("c3", aggregateCell()))!.report!;
    expect(ran(report)).toEqual(["by_country", "euro", "scan", "window"]);
    const firstFetch = byName(report).scan!.read.objectStoreBytes;
    expect(firstFetch).toBeGreaterThan(0);
    expect(report.previews[0]!.name).toBe("by_country");
    expect(report.previews[0]!.rows).toBe(4);

    // Edit the aggregate: only it runs.
    report = (await session.runCell("c3", aggregateCell("avg")))!.report!;
    expect(ran(report)).toEqual(["by_country"]);

    // Edit the filter model: it and the aggregate run (the aggregate ran before in this
    // session, so the edit carries through to it); the scan is reused.
    report = (await session.runCell("c2", euroCell(`, "NL"`)))!.report!;
    expect(ran(report)).toEqual(["by_country", "euro"]);
    expect(report.previews.find((p) => p.name === "by_country")!.rows).toBe(5);
    expect(byName(report).euro!.reason).toBe("code-changed");
    expect(byName(report).by_country!.reason).toBe("input-changed");

    // Widen the window: the scan runs and fetches only February.
    report = (await session.runCell("c1", windowCell(JAN_FEB)))!.report!;
    expect(ran(report)).toEqual(["by_country", "euro", "scan", "window"]);
    const feb = await planScan(catalog, { table: "transactions", columns: ["id", "usd", "country", "eventTime"], filter: "eventTime >= '2023-02-01' AND eventTime < '2023-03-01'" });
    const febBytes = feb.stats.bytesToRead;
    const widened = byName(report).scan!;
    expect(widened.read.objectStoreBytes).toBeGreaterThanOrEqual(febBytes * 0.9);
    expect(widened.read.objectStoreBytes).toBeLessThan(febBytes * 1.2 + 64 * 1024);
    expect(cachedBytes(widened.read)).toBeGreaterThan(0); // January came from the cache

    // Add a column: only that column's chunks are fetched.
    report = (await session.runCell("c1", windowCell(JAN_FEB, `"id", "usd", "country", "merchant"`)))!.report!;
    const merchant = await planScan(catalog, { table: "transactions", columns: ["merchant"], filter: JAN_FEB });
    const added = byName(report).scan!;
    expect(added.read.objectStoreBytes).toBeGreaterThan(0);
    expect(added.read.objectStoreBytes).toBeLessThan(merchant.stats.bytesToRead * 1.2 + 64 * 1024);

    // Run again with no change: nothing runs.
    report = await session.run(["by_country"]);
    expect(ran(report)).toEqual([]);
    expect(report.nodes.every((n) => n.action === "reused")).toBe(true);
    expect(report.summary.read.objectStoreBytes).toBe(0);
  });

  it("ignores whitespace and comment edits, and notices code edits", async () => {
    const fingerprint = async (source: string) => {
      await session.applyCell("c2", source);
      return (await session.plan(["by_country"])).parts.get("model:euro")!.fingerprint;
    };
    const plain = await fingerprint(euroCell(`, "NL"`));
    const commented = await fingerprint(`// why: the euro area's biggest markets
model("euro", { w: Model("window") }, ({ w }, { arrow }) => {
      /* keep these countries */
      const keep = new Set([ "DE", "FR",   "IT", "ES", "NL" ]);

      const country = w.getChild("country");   // the column
      const usd = w.getChild("usd");
      const rows = [];
      for (let i = 0; i < w.numRows; i++)
        if (keep.has(country.get(i))) rows.push({ country: country.get(i), usd: usd.get(i) });
      return rows;
});`);
    expect(commented).toBe(plain);
    expect(await fingerprint(euroCell(`, "BE"`))).not.toBe(plain);
    await fingerprint(euroCell(`, "NL"`));
  });

  it("reports a model that throws with its own line, and finishes what does not depend on it", async () => {
    await session.applyCell("bad", `model("broken", { w: Model("window") }, ({ w }) => {\n  const x = w.numRows;\n  throw new Error("no rows for you " + (x > 0));\n});`);
    const report = await session.run(["broken", "by_country"]);
    const broken = report.nodes.find((n) => n.name === "broken")!;
    expect(broken.action).toBe("failed");
    expect(broken.error).toMatch(/model "broken" threw: no rows for you true\n    at bad:3$/);
    expect(report.nodes.find((n) => n.name === "by_country")!.action).not.toBe("failed");
    session.removeCell("bad");
  });

  it("stops a model that hangs at its timeout and keeps serving", async () => {
    await session.applyCell("hang", `model("hang", { w: Model("window") }, () => { for (;;) {} }, { timeoutMs: 300 });`);
    const report = await session.run(["hang"]);
    expect(report.nodes.find((n) => n.name === "hang")!.error).toMatch(/ran longer than its 300 ms limit/);
    session.removeCell("hang");
    expect((await session.run(["by_country"])).nodes.every((n) => n.action === "reused")).toBe(true);
  });
});

describe("inputs are read-only", () => {
  it("fails a model that writes to its input, and nothing resident, cached or materialized changes", async () => {
    const total = `%%sql total_usd --materialize\nSELECT round(sum(usd), 2) AS s, count(*) AS n, min(id) AS first FROM \"window\"`;
    const clean = (await session.runCell("t1", total))!.report!;
    const want = clean.previews.find((p) => p.name === "total_usd")!.table.toArray().map((r) => ({ ...r }));
    const firstUsd = async () => [...(await session.result("window")).getChild("usd")!].slice(0, 50);
    const before = await firstUsd();

    // The model sorts its input's memory in place.
    await session.applyCell("t2", `model("sorter", { w: Model("window") }, ({ w }) => { w.getChild("usd").data[0].values.sort(); return [{ n: w.numRows }]; });`);
    const report = await session.run(["sorter", "total_usd"]);
    const sorter = report.nodes.find((n) => n.name === "sorter")!;
    expect(sorter.action).toBe("failed");
    expect(sorter.error).toMatch(/model "sorter" wrote to its input "w" \(column usd\); inputs are read-only/);
    const sql = report.nodes.find((n) => n.name === "total_usd")!;
    if (sql.action !== "skipped") expect(report.previews.find((p) => p.name === "total_usd")!.table.toArray().map((r) => ({ ...r }))).toEqual(want);

    // What the model damaged is gone: the window is read again, unsorted, and the
    // materialized table still holds the right answer.
    expect(await firstUsd()).toEqual(before);
    const again = await session.run(["total_usd"]);
    expect(again.previews.find((p) => p.name === "total_usd")!.table.toArray().map((r) => ({ ...r }))).toEqual(want);
    const table = await catalog.loadTable("total_usd");
    const files = (await table.dataFiles()).map((f) => quoteLiteral(fileURLToPath(f.path)));
    const duck = await Duck.open();
    const materialized = await duck.rows(`SELECT * FROM read_parquet([${files.join(", ")}])`).finally(() => duck.close());
    expect(materialized.map((r) => ({ s: r.s, n: r.n, first: r.first }))).toEqual(want);
    session.removeCell("t2");
    session.removeCell("t1");
  });
});

describe("definition errors point at the cell and line", () => {
  it("rejects a model that reads an outer variable", async () => {
    await expect(session.applyCell("impure", `const rate = 1.1;\nmodel("m", { w: Model("window") }, ({ w }) => {\n  return w.numRows * rate;\n});`))
      .rejects.toThrow(/^impure:3: model "m" uses "rate" from outside its function/);
  });

  it("names a missing input, a cycle, an unknown column and a bad filter", async () => {
    await session.applyCell("e1", `model("a", { x: Model("windw") }, ({ x }) => x);`);
    await expect(session.plan(["a"])).rejects.toThrow(/^e1:1: model "a" reads "windw", which is neither a model nor a lake table \(did you mean "window"\?\)/);
    await session.applyCell("e1", `model("a", { x: Model("b") }, ({ x }) => x);\nmodel("b", { x: Model("a") }, ({ x }) => x);`);
    await expect(session.plan(["a"])).rejects.toThrow(/models read each other in a cycle: (a -> b -> a|b -> a -> b)/);
    await session.applyCell("e1", `model("a", { x: Model("transactions", { columns: ["usdd"] }) }, ({ x }) => x);`);
    await expect(session.plan(["a"])).rejects.toThrow(/^e1:1: model "a" asks for column "usdd" of table default\.transactions, which has no such column \(did you mean "usd"\?\)/);
    await session.applyCell("e1", `\n\nmodel("a", { x: Model("transactions", { filter: "usd > 'x'" }) }, ({ x }) => x);`);
    await expect(session.plan(["a"])).rejects.toThrow(/^e1:3: bad filter in model "a": cannot compare double column "usd" with 'x'/);
    await session.applyCell("e2", `model("window", {}, () => []);`);
    await expect(session.plan(["window"])).rejects.toThrow(/model "window" is defined twice/);
    session.removeCell("e1");
    session.removeCell("e2");
  });
});
