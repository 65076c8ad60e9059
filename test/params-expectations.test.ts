// Parameters and expectations end to end: a session with a real worker process. A
// parameter's value is part of the fingerprints of exactly the nodes that use it, so a
// change re-runs only those (and what reads them), and widening a date parameter fetches
// only the new month. Expectations run after their model; a failed blocking one stops
// the model's materialization, a warning does not (unless the run is strict).
import { cachedBytes } from "../engine/run/node-state.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../lake/iceberg/catalog.js";
import { writeSample } from "../lake/ingest/sample.js";
import { planScan } from "../lake/scan/plan-scan.js";
import { FileStore } from "../lake/store/file-store.js";
import { Session, type RunReport } from "../engine/session.js";
import { blockingFailures, expectationWarnings } from "../engine/expect/expectation-results.js";
import { runParamCommand } from "../engine/commands/param-command.js";
import { runScript } from "../repl/run-script.js";
import { openCatalog } from "../lake/open-catalog.js";

let dir: string;
let session: Session;
let catalog: Catalog;

const scanName = (name: string) => (name.startsWith("transactions") ? "scan" : name);
const ran = (report: RunReport) => report.nodes.filter((n) => n.action === "ran").map((n) => scanName(n.name)).sort();
const node = (report: RunReport, name: string) => report.nodes.find((n) => scanName(n.name) === name)!;
const check = (report: RunReport, name: string) => report.expectations.find((e) => e.name === name)!;
const snapshotOf = async (table: string) => {
  const fresh = await openCatalog(catalog.store);
  return (await fresh.tableExists(table)) ? (await fresh.loadTable(table)).currentSnapshot()?.["snapshot-id"] : undefined;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-params-"));
  const store = await FileStore.open(path.join(dir, "lake"));
  catalog = await openCatalog(store);
  await writeSample(catalog, { rows: 60_000, months: 6, rowGroupRows: 4096 });
  session = await Session.open({ lake: store.root, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache") } });
});
afterAll(async () => {
  await session?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("parameters", () => {
  it("re-run only the nodes that use a changed parameter, and a wider date window fetches only the new month", async () => {
    await session.applyCell("p", `Parameter("start", "2023-01-01");\nParameter("end", "2023-02-01");\nParameter("minUsd", 0);\nParameter("label", "eu");`);
    await session.applyCell("w", `model("window", { tx: Model("transactions", { columns: ["id", "usd", "country"], filter: "eventTime >= $start AND eventTime < $end" }) }, ({ tx }) => tx);`);
    await session.applyCell("t", `model("tagged", { w: Model("window") }, ({ w }, { params }) => [{ label: params.label, n: w.numRows }]);`);
    await session.applyCell("b", `%%sql big\nSELECT count(*) AS n FROM "window" WHERE usd > $minUsd`);
    await session.applyCell("o", `model("other", { tx: Model("transactions", { columns: ["id"], filter: "eventTime < '2023-01-15'" }) }, ({ tx }) => [{ n: tx.numRows }]);`);
    let report = await session.run(["tagged", "big", "other"]);
    expect(ran(report)).toEqual(["big", "other", "scan", "scan", "tagged", "window"]);
    const january = node(report, "window").rows!;

    // A parameter only the TypeScript model reads: only it runs, and says why.
    report = await session.run(["tagged", "big", "other"]);
    expect(ran(report)).toEqual([]);
    session.params.set("label", "us");
    report = await session.run(["tagged", "big", "other"]);
    expect(ran(report)).toEqual(["tagged"]);
    expect(node(report, "tagged")).toMatchObject({ reason: "param-changed" });
    expect(report.planned.plan.nodes.find((p) => p.node.name === "tagged")!.detail).toBe("label eu -> us");
    expect(report.summary.read.objectStoreBytes).toBe(0);
    const tagged = await session.result("tagged");
    expect(tagged.getChild("label")!.get(0)).toBe("us");

    // A parameter only the SQL model uses: only it runs.
    session.params.set("minUsd", "50");
    report = await session.run(["tagged", "big", "other"]);
    expect(ran(report)).toEqual(["big"]);
    expect(report.planned.plan.nodes.find((p) => p.node.name === "big")!.detail).toBe("minUsd 0 -> 50");

    // Widening the window: the scan runs and fetches only February; "other" stays.
    session.params.set("end", "2023-03-01");
    report = await session.run(["tagged", "big", "other"]);
    expect(ran(report)).toEqual(["big", "scan", "tagged", "window"]);
    const feb = await planScan(catalog, { table: "transactions", columns: ["id", "usd", "country", "eventTime"], filter: "eventTime >= '2023-02-01' AND eventTime < '2023-03-01'" });
    const scan = report.nodes.find((n) => n.name.startsWith("transactions") && n.action === "ran")!;
    expect(scan.name).toContain("eventTime < DATE '2023-03-01'");
    expect(scan.read.objectStoreBytes).toBeGreaterThanOrEqual(feb.stats.bytesToRead * 0.9);
    expect(scan.read.objectStoreBytes).toBeLessThan(feb.stats.bytesToRead * 1.2 + 64 * 1024);
    expect(cachedBytes(scan.read)).toBeGreaterThan(0); // January came from the cache
    expect(node(report, "window").rows).toBeGreaterThan(january * 1.8);
  });

  it("%param lists, sets (re-running what was shown) and refuses a bad value", async () => {
    expect((await runParamCommand(session, "")).text).toMatch(/^start +date +2023-01-01 +\(default\) +p:1\nend +date +2023-03-01 +\(default 2023-02-01\) +p:2/);
    const { text, report } = await runParamCommand(session, "label 'eu west'");
    expect(text).toBe("label = eu west");
    expect(ran(report!)).toEqual(["tagged"]);
    await expect(runParamCommand(session, "end 2023-02-31")).rejects.toThrow('parameter end is a date: "2023-02-31" is not a date (YYYY-MM-DD)');
    await expect(runParamCommand(session, "ned 2023-02-01")).rejects.toThrow("no parameter named ned (did you mean end?)");
    expect((await runParamCommand(session, "label --default")).text).toBe("label = eu");
  });

  it("binds SQL parameters as typed literals before DuckDB reads the query, so its scan is pushed down", async () => {
    await session.applyCell("q", `%%sql jan_count\nSELECT count(*) AS n, '$start' AS not_a_parameter -- $nothing either\nFROM transactions WHERE eventTime >= $start AND eventTime < $end AND country <> $label`);
    const report = await session.run(["jan_count"]);
    const scan = report.nodes.find((n) => n.name.startsWith("transactions"))!;
    expect(scan.name).toBe(`transactions[country, eventTime] where "eventTime" >= DATE '2023-01-01' AND "eventTime" < DATE '2023-03-01' AND "country" <> 'eu'`);
    const table = await session.result("jan_count");
    expect(table.getChild("not_a_parameter")!.get(0)).toBe("$start");
    session.removeCell("q");
  });

  it("refuses a model that uses an undeclared parameter, at its cell and line", async () => {
    await session.applyCell("bad", `model("bad", { tx: Model("transactions", { columns: ["id"], filter: "eventTime >= $begin" }) }, ({ tx }) => tx);`);
    await expect(session.run(["bad"])).rejects.toThrow('bad:1: the filter of model "bad" uses $begin, which is not a parameter; parameters: start, end, minUsd, label');
    session.removeCell("bad");
  });
});

describe("expectations", () => {
  const selection = (usd: string) => `model("euro_sel", { tx: Model("transactions", { columns: ["id", "usd", "country"], filter: "eventTime < '2023-01-10'" }) }, ({ tx }) => {
  const rows = [];
  for (let i = 0; i < tx.numRows; i++) rows.push({ id: Number(tx.getChild("id").get(i)), usd: ${usd}, country: tx.getChild("country").get(i) });
  return rows;
}, { materialize: true });`;
  const usd = `tx.getChild("usd").get(i)`;

  it("block a model's materialization when a blocking one fails, and let it through once fixed", async () => {
    await session.applyCell("sel", selection(usd));
    await session.applyCell("chk", `expect("no_negative_usd", { model: "euro_sel" }, (t) => {
  const usd = t.getChild("usd");
  const bad = [];
  for (let i = 0; i < t.numRows; i++) if (usd.get(i) < 0) bad.push({ row: i, usd: usd.get(i) });
  return bad;
});`);
    let report = await session.run(["euro_sel"]);
    expect(check(report, "no_negative_usd")).toMatchObject({ status: "passed", model: "euro_sel", blocking: true, rows: 0 });
    expect(node(report, "euro_sel").materialized?.table).toBe("default.euro_sel");
    const written = await snapshotOf("euro_sel");
    expect(written).toBeDefined();

    // A bad edit: the check catches it, the table is left as it was.
    report = (await session.runCell("sel", selection(`${usd} - 1000`))).report!;
    const failed = check(report, "no_negative_usd");
    expect(failed).toMatchObject({ status: "failed", blocking: true, stopped: ["euro_sel"] });
    expect(failed.rows).toBeGreaterThan(100);
    expect(failed.message).toBe(`${failed.rows!.toLocaleString("en-US")} offending rows`);
    expect(failed.sample!.schema.fields.map((f) => f.name)).toEqual(["row", "usd"]);
    expect(node(report, "euro_sel")).toMatchObject({ action: "ran", notMaterialized: "expectation no_negative_usd failed" });
    expect(node(report, "euro_sel").materialized).toBeUndefined();
    expect(blockingFailures(report).map((e) => e.name)).toEqual(["no_negative_usd"]);
    expect(await snapshotOf("euro_sel")).toBe(written);

    // The fix: the model runs, its check passes, the table is written.
    report = (await session.runCell("sel", selection(`Math.abs(${usd})`))).report!;
    expect(check(report, "no_negative_usd").status).toBe("passed");
    expect(node(report, "euro_sel").materialized?.table).toBe("default.euro_sel");
    expect(await snapshotOf("euro_sel")).not.toBe(written);
  });

  it("write a held-back table once its failing check no longer blocks, without running the model again", async () => {
    let report = (await session.runCell("sel", selection(`${usd} - 2000`))).report!;
    expect(node(report, "euro_sel").notMaterialized).toBeDefined();
    const before = await snapshotOf("euro_sel");
    // The check becomes a warning: the model is reused, and its held-back write happens.
    await session.applyCell("chk", `expect("no_negative_usd", { model: "euro_sel", severity: "warn" }, (t) => {
  const usd = t.getChild("usd");
  for (let i = 0; i < t.numRows; i++) if (usd.get(i) < 0) return "negative usd in row " + i;
  return true;
});`);
    report = await session.run(["euro_sel"]);
    expect(node(report, "euro_sel").action).toBe("reused");
    expect(check(report, "no_negative_usd")).toMatchObject({ status: "failed", blocking: false, message: "negative usd in row 0", rows: 1 });
    expect(check(report, "no_negative_usd").sample).toBeUndefined(); // a message is not a table of rows
    expect(node(report, "euro_sel").materialized?.table).toBe("default.euro_sel");
    expect(await snapshotOf("euro_sel")).not.toBe(before);
    expect(blockingFailures(report)).toEqual([]);
    expect(expectationWarnings(report).map((e) => e.name)).toEqual(["no_negative_usd"]);

    // --strict: a warning blocks too.
    report = await session.run(["euro_sel"], undefined, { strict: true, cacheOff: true });
    expect(ran(report)).toEqual(["euro_sel", "no_negative_usd", "scan"]);
    expect(check(report, "no_negative_usd")).toMatchObject({ status: "failed", blocking: true, stopped: ["euro_sel"] });
    expect(node(report, "euro_sel").notMaterialized).toBe("expectation no_negative_usd failed");
    expect(blockingFailures(report).map((e) => e.name)).toEqual(["no_negative_usd"]);
    session.removeCell("chk");
    await session.applyCell("sel", selection(usd));
  });

  it("%%expect cells return the offending rows; the model checked is named or found", async () => {
    await session.applyCell("e1", `%%expect enough_countries --warn\nSELECT count(DISTINCT country) AS countries FROM euro_sel HAVING count(DISTINCT country) < 100`);
    await session.applyCell("e2", `%%expect ids_known --model euro_sel\nSELECT e.id FROM euro_sel e LEFT JOIN "window" w ON e.id = w.id WHERE w.id IS NULL AND false`);
    const report = await session.run(["euro_sel"]);
    expect(check(report, "enough_countries")).toMatchObject({ status: "failed", blocking: false, severity: "warn", rows: 1, message: "1 offending row", model: "euro_sel" });
    expect(check(report, "enough_countries").sample!.getChild("countries")!.get(0)).toBeGreaterThan(5);
    expect(check(report, "ids_known")).toMatchObject({ status: "passed", blocking: true });

    // A cell whose expectation cannot be planned is refused at that cell, and defines nothing.
    await expect(session.runCell("e3", `%%expect which\nSELECT * FROM euro_sel, "window"`)).rejects.toThrow('e3:2: expectation "which" reads euro_sel, window: name the one it checks with --model');
    await expect(session.runCell("e3", `%%expect which --model tagged\nSELECT * FROM euro_sel`)).rejects.toThrow('expectation "which" checks tagged (--model) but its query does not read it; it reads euro_sel');
    await expect(session.runCell("e3", `%%sql reader\nSELECT * FROM enough_countries`)).rejects.toThrow('model "reader" reads "enough_countries", which is an expectation');
    expect(session.definitions().some((d) => d.name === "which" || d.name === "reader")).toBe(false);
    for (const c of ["e1", "e2"]) session.removeCell(c);
  });

  it("the standard checks: not null, unique, accepted values, range, row count, freshness (with parameters)", async () => {
    await session.applyCell("k", `%%sql known\nSELECT * FROM (VALUES (1, 'a', 5, TIMESTAMP '2023-01-10 12:00'), (1, 'b', NULL, TIMESTAMP '2023-01-01'), (2, 'z', 50, TIMESTAMP '2023-01-05')) AS v(id, c, x, t)`);
    await session.applyCell("std", `Parameter("maxX", 10);
Parameter("asOf", "2023-01-11");
expect.notNull("known", "x");
expect.notNull("known", "id", { severity: "warn" });
expect.unique("known", "id");
expect.acceptedValues("known", "c", ["a", "b"], { name: "known_codes" });
expect.range("known", "x", { min: 0, max: "$maxX" });
expect.rowCount("known", { min: 1, max: 3 });
expect.freshness("known", "t", { maxAge: "2 days", asOf: "$asOf" });`);
    let report = await session.run(["known"]);
    const status = (r: RunReport) => Object.fromEntries(r.expectations.map((e) => [e.name, `${e.status}:${e.rows}`]));
    expect(status(report)).toEqual({
      known_x_not_null: "failed:1", known_id_not_null: "passed:0", known_id_unique: "failed:1", known_codes: "failed:1",
      known_x_range: "failed:1", known_row_count: "passed:0", known_t_freshness: "passed:0",
    });
    expect(check(report, "known_id_unique").sample!.getChild("copies")!.get(0)).toBe(2n);
    expect(check(report, "known_codes").sample!.getChild("c")!.get(0)).toBe("z");

    // Only the checks that use a parameter run again when it changes.
    session.params.set("asOf", "2023-01-20");
    session.params.set("maxX", "60");
    report = await session.run(["known"]);
    expect(ran(report)).toEqual(["known_t_freshness", "known_x_range"]);
    expect(status(report)).toMatchObject({ known_x_range: "passed:0", known_t_freshness: "failed:1" });

    // A check that throws or answers with something else is an error, and blocks.
    await session.applyCell("odd", `expect("boom", { model: "known" }, () => { throw new Error("no way"); });\nexpect("vague", { model: "known", severity: "warn" }, () => 42);`);
    report = await session.run(["known"]);
    expect(check(report, "boom")).toMatchObject({ status: "error", blocking: true });
    expect(check(report, "boom").message).toMatch(/^model "boom" threw: no way\n    at odd:1$/);
    expect(check(report, "vague")).toMatchObject({ status: "error", blocking: false });
    expect(check(report, "vague").message).toMatch(/an expectation returns true or false, a message, or the offending rows .*; it returned number/);
    expect(blockingFailures(report).map((e) => e.name)).toContain("boom");
    expect(blockingFailures(report).map((e) => e.name)).not.toContain("vague");
    session.removeCell("odd");
    session.removeCell("std");
    session.removeCell("k");
  });

  it("in a piped REPL script: .param, a %%expect cell, and a failed check fails the script", async () => {
    let out = "";
    const code = await runScript(session, [
      `%%expect tiny_window --model window\nSELECT count(*) AS n FROM "window" HAVING count(*) < 1000000`,
      ".param end",
      ".param end 2023-01-15",
    ].join("\n\n"), (text) => { out += text; });
    expect(code).toBe(1);
    expect(out).toMatch(/\n✗ expectation tiny_window on window: 1 offending row\n/);
    expect(out).toMatch(/\nend +date +2023-03-01 +\(default 2023-02-01\) +p:2\n/);
    // The new value re-ran what the session had shown that reads it, and its check.
    expect(out).toMatch(/✓ window: [\d,]+ rows in/);
    expect(out.slice(out.indexOf(".param end 2023-01-15"))).toMatch(/\n\d+ reused, \d+ ran, .*; 1 expectation: 0 passed, 1 failed\n/);
    session.removeCell("cell[1]");
  });
});
