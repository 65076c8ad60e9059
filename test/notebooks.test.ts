// The example notebooks, executed headless by nbclient (a real Jupyter client) on the
// lakeloop kernel; the assertions read their outputs, not just the absence of errors.
// Also a test notebook run by a kernel started in an empty folder with no lake chosen
// (it writes the default lake's sample data), through a bad cell and the cells after it.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withFileFetch } from "../testing/file-fetch.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lakeloop.js");
let dir: string;
let env: NodeJS.ProcessEnv;

interface Output { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string; traceback?: string[] }
interface Cell { cell_type: string; source: string; outputs?: Output[] }

/** `folder`: start the kernel there with no lake or cache chosen (the defaults under it). */
async function execute(notebook: string, options: { source?: string; folder?: string } = {}): Promise<Cell[]> {
  const target = path.join(dir, path.basename(notebook));
  // Each notebook gets a cache of its own, so what one fetched is not another's cache hit.
  const kernelEnv: NodeJS.ProcessEnv = { ...env, PYTHONPATH: "", LAKELOOP_CACHE: path.join(dir, `cache-${notebook}`) };
  if (options.folder) {
    delete kernelEnv.LAKELOOP_LAKE;
    delete kernelEnv.LAKELOOP_CACHE;
  }
  await run("/usr/bin/python3", [path.join(root, "test", "kernel", "run_notebook.py"), options.source ?? path.join(root, "notebooks", notebook), target, "lakeloop-test", ...(options.folder ? [options.folder] : [])], {
    env: kernelEnv, timeout: 240_000, maxBuffer: 16 * 1024 * 1024,
  });
  return (JSON.parse(await readFile(target, "utf8")) as { cells: Cell[] }).cells.filter((c) => c.cell_type === "code");
}

// nbformat may store multi-line strings as lists of lines.
const joined = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value ?? ""));
const text = (cell: Cell) => (cell.outputs ?? []).map((o) => joined(o.text ?? o.data?.["text/plain"])).join("\n");
const kinds = (cell: Cell) => (cell.outputs ?? []).map((o) => o.output_type);
const errors = (cell: Cell) => (cell.outputs ?? []).filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}\n${(o.traceback ?? []).join("\n")}`).join("\n");
const stderr = (cells: Cell[]) => cells.flatMap((c) => c.outputs ?? []).filter((o) => o.name === "stderr").map((o) => joined(o.text)).join("");

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-notebooks-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache"), JUPYTER_PATH: path.join(dir, "share", "jupyter"), JUPYTER_RUNTIME_DIR: path.join(dir, "runtime") };
  await run(process.execPath, [bin, "sample", "--rows", "60000", "--months", "3", "--quiet"], { env });
  await run(process.execPath, [bin, "kernel", "install", "--prefix", dir, "--name", "lakeloop-test"], { env });
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("example notebooks, executed by nbclient", () => {
  it("seed-pipeline: two models, a preview table, a materialized Iceberg table", async () => {
    const cells = await execute("seed-pipeline.ipynb");
    const [euro, sql, describeCell, dag, chart] = cells;
    expect(stderr(cells)).toBe(""); // no TypeScript warnings on the examples
    expect(kinds(euro!)).toContain("display_data");
    expect(text(euro!)).toMatch(/euro_selection \([\d,]+ rows × 3 columns\)/);
    expect(text(euro!)).toMatch(/0 reused, 2 ran/);
    const html = (sql!.outputs ?? []).map((o) => joined(o.data?.["text/html"])).join("");
    expect(html).toMatch(/<b>usd_by_country<\/b> <small>20 rows × 3 columns<\/small>/);
    expect(text(sql!)).toMatch(/1 reused, 1 ran/);
    expect(text(describeCell!)).toMatch(/default\.usd_by_country .*\n20 rows in 1 files/);
    const svg = joined(dag!.outputs?.[0]?.data?.["image/svg+xml"]);
    expect(svg).toMatch(/^<svg /);
    for (const name of ["transactions[id, usd, country]", "euro_selection", "usd_by_country"]) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain("reuse (resident)");
    expect(text(dag!)).toMatch(/usd_by_country \[sql, reuse: resident\] <- euro_selection/);
    // The chart: the spec for front ends that draw Vega-Lite, SVG for the others, and no Out[] value.
    expect(kinds(chart!)).toEqual(["display_data"]);
    const spec = chart!.outputs?.[0]?.data?.["application/vnd.vegalite.v5+json"] as { mark: string; data: { values: Array<{ country: string; usd: number }> } };
    expect(spec.mark).toBe("bar");
    expect(spec.data.values).toHaveLength(20);
    expect(typeof spec.data.values[0]!.usd).toBe("number");
    const chartSvg = joined(chart!.outputs?.[0]?.data?.["image/svg+xml"]);
    expect(chartSvg).toMatch(/^<svg /);
    expect(chartSvg.match(/<path [^>]*aria-roledescription="bar"/g) ?? []).toHaveLength(20);
  }, 300_000);

  it("time-window: widening fetches only the new month, a new column only its chunks", async () => {
    const cells = await execute("time-window.ipynb");
    const [first, , widened, added, plan] = cells;
    expect(stderr(cells)).toBe("");
    const fetched = (cell: Cell) => {
      const m = /transactions\[[^\]]*\][^:]*: [\d,]+ rows in [\d,]+ ms, ([\d.]+) (B|KB|MB) fetched, ([\d.]+) (B|KB|MB) from cache/.exec(text(cell));
      const scale = { B: 1, KB: 1e3, MB: 1e6 } as const;
      return m ? { fetched: Number(m[1]) * scale[m[2] as keyof typeof scale], cached: Number(m[3]) * scale[m[4] as keyof typeof scale] } : undefined;
    };
    const january = fetched(first!)!;
    expect(january.fetched).toBeGreaterThan(0);
    expect(january.cached).toBe(0);
    const wide = fetched(widened!)!;
    expect(wide.cached).toBeGreaterThan(0); // January from the cache
    expect(wide.fetched).toBeGreaterThan(0); // February from the lake
    expect(wide.fetched).toBeLessThan(january.fetched * 1.5);
    expect(text(widened!)).toMatch(/by_country/); // downstream re-ran, reactively
    const column = fetched(added!)!;
    expect(column.fetched).toBeLessThan(wide.fetched); // only merchant's chunks
    expect(text(plan!)).toMatch(/reuse\s+sql\s+by_country\s+\(resident\)/);
  }, 300_000);

  it("params-expectations: a parameter widens the window, an expectation stops a bad edit's write and a merge, the branch is merged and icebird reads it", async () => {
    const cells = await execute("params-expectations.ipynb");
    const [model, checks, param, bad, fixed, describeCell, create, onDev, devParam, devBad, refused, devFixed, merged, onMain, describeMain] = cells;
    expect(stderr(cells)).toBe(""); // no TypeScript warnings, no expectation warnings
    expect(text(model!)).toMatch(/✓ euro_selection: [\d,]+ rows in [\d,]+ ms, wrote default\.euro_selection snapshot \d+/);
    expect(text(checks!)).toMatch(/1 reused, 2 ran, .*; 2 expectations: 2 passed/);
    // The parameter: only the scan (February fetched, January from the cache), the model and its checks ran.
    expect(text(param!)).toMatch(/end = 2023-03-01/);
    expect(text(param!)).toMatch(/eventTime < DATE '2023-03-01': [\d,]+ rows in [\d,]+ ms, [\d.]+ KB fetched, [\d.]+ KB from cache/);
    expect(text(param!)).toMatch(/0 reused, 4 ran, .*; 2 expectations: 2 passed/);
    // The bad edit: the check fails, shows its offending rows, and the table is not written.
    const error = bad!.outputs!.find((o) => o.output_type === "error") as { ename?: string; evalue?: string } | undefined;
    expect(error?.ename).toBe("ExpectationFailed");
    expect(error?.evalue).toMatch(/^expectation no_negative_usd on euro_selection: [\d,]+ offending rows; euro_selection not materialized$/);
    expect(text(bad!)).toMatch(/euro_selection: [\d,]+ rows in [\d,]+ ms, .*not written: expectation no_negative_usd failed/);
    const offending = (bad!.outputs ?? []).map((o) => joined(o.data?.["text/html"])).join("");
    expect(offending).toMatch(/<b>no_negative_usd: offending rows of euro_selection<\/b>/);
    expect(text(fixed!)).toMatch(/wrote default\.euro_selection snapshot \d+/);
    expect(text(fixed!)).toMatch(/2 expectations: 2 passed/);
    // Three snapshots: the first run, the wider window, the fix; the bad edit wrote none.
    expect(text(describeCell!)).toMatch(/snapshots \(3, \* current/);
    const mainBefore = /\* (\d+) /.exec(text(describeCell!))![1];

    // The branch: made without copying, the session moved onto it.
    expect(text(create!)).toMatch(/^made branch dev from main: \d+ tables, no data copied/);
    expect(text(onDev!)).toMatch(/^now on branch dev: reads see it, materialized models are written to it/);
    // On dev, the window grows to March: only March is fetched; euro_selection is written to dev.
    expect(text(devParam!)).toMatch(/eventTime < DATE '2023-04-01': [\d,]+ rows in [\d,]+ ms, [\d.]+ KB fetched, [\d.]+ (KB|MB) from cache/);
    const devRows = /✓ euro_selection: ([\d,]+) rows in [\d,]+ ms, wrote default\.euro_selection snapshot (\d+)/.exec(text(devParam!));
    expect(devRows).not.toBeNull();
    // The bad edit on dev fails its check; the merge is refused while it fails, and nothing moves.
    expect(errors(devBad!)).toMatch(/^ExpectationFailed: expectation no_negative_usd on euro_selection: [\d,]+ offending rows; euro_selection not materialized/);
    expect(errors(refused!)).toMatch(/^Error: cannot merge dev: expectation no_negative_usd on euro_selection failed in this session's latest run of them; nothing was merged\./);
    // The fix is dev's code from before the bad edit: reused, its checks passed; the merge publishes dev's table.
    expect(text(devFixed!)).toMatch(/3 reused, 0 ran, .*; 2 expectations: 2 passed/);
    expect(text(merged!)).toBe(`merged dev into main: euro_selection (snapshot ${devRows![2]})\n`);
    expect(text(onMain!)).toMatch(/^now on branch main/);
    // main's current snapshot is dev's, with the three-month window; main's earlier one is still listed.
    const described = text(describeMain!);
    expect(described).toMatch(new RegExp(`\\* ${devRows![2]} .* \\+${devRows![1]} rows → ${devRows![1]}`));
    expect(described).toContain(`  ${mainBefore} `);
    // An Iceberg reader lakeloop did not write reads main's table: the merged rows, none negative.
    const location = /^default\.euro_selection {2}\(Iceberg v2\) {2}(\S+)$/m.exec(described)![1]!;
    const { icebergRead } = await import("icebird");
    const rows = await withFileFetch(() => icebergRead({ tableUrl: location }));
    expect(rows.length).toBe(Number(devRows![1]!.replace(/,/g, "")));
    expect(rows.every((r) => Number(r.usd) >= 0)).toBe(true);
  }, 300_000);

  it("a kernel in an empty folder writes the sample lake in its first cell; a bad cell is refused alone; ISO dates; errors at their line; %drop", async () => {
    const folder = path.join(dir, "empty-folder");
    await mkdir(folder);
    const cells = await execute("session.ipynb", { source: path.join(root, "test", "kernel", "session.ipynb"), folder });
    const [first, tables, bad, readsJan, sql, result, thrower, refusedDrop, dropped, cache] = cells;
    expect(stderr(cells)).toBe(""); // no TypeScript warnings either
    const lake = `file://${folder}/.lakeloop/lake`;
    // First use: the notebook's folder gets the embedded default lake, named, with its sample data.
    expect(text(first!)).toContain(`The default lake (${lake}) has no sample data yet: writing it once.`);
    expect(text(first!)).toMatch(/wrote default\.transactions: 1,000,000 rows in \d+ files/);
    expect(text(first!)).toMatch(/0 reused, 2 ran/);
    expect(text(tables!)).toContain(`the lake at ${lake}:\ntransactions`);
    // ISO 8601 in the text outputs: the sample's first row, to the microsecond.
    expect(text(first!)).toMatch(/\n +1 +1\.94 +2023-01-01T00:00:12\.148082 +2023-01-03 *\n/);
    expect(text(sql!)).toMatch(/2023-01-01T00:02:24\.948378 *\n/);
    expect(cells.map(text).join("\n")).not.toMatch(/16725\d{8}/);
    // The bad filter: its own cell's error, at the filter's line, the typo underlined.
    expect(errors(bad!)).toMatch(/^DefinitionError: cell\[3\]:4: bad filter in model "bad": .*found 'BETWEN' \(did you mean BETWEEN\?\)\n {2}usd > 1 AND eventTime BETWEN '2023-01-01' AND '2023-02-01'\n {24}\^{6}\n/);
    // ...and never again: later model cells, %%sql and result() run.
    for (const cell of [readsJan, sql, result]) expect(errors(cell!)).toBe("");
    expect(cells.map((c) => text(c) + errors(c)).filter((t) => t.includes("bad filter"))).toHaveLength(1);
    expect(text(readsJan!)).toMatch(/1 reused, 1 ran/);
    expect(text(sql!)).toMatch(/big \([\d,]+ rows × 3 columns\)/);
    expect(text(result!)).toMatch(/\n *2,688\s*$/);
    // A throw on line 4 of the cell (with top-level await before the model) is marked at line 4.
    expect(errors(thrower!)).toMatch(/no good with 2688 rows/);
    expect(errors(thrower!)).toMatch(/cell\[7\](:|, line )4\b/);
    // %drop: refused while other models read the model, then removes those named.
    expect(errors(refusedDrop!)).toMatch(/cannot drop "jan": models "jan_rows", "big", "thrower" read it/);
    expect(text(dropped!)).toMatch(/dropped model jan_rows \(ts, defined at cell\[4\]:1\)\ndropped model thrower/);
    expect(text(dropped!)).toMatch(/^jan +ts +cell\[1\]:1\nbig +sql +cell\[5\]:2$/m);
    // %cache: a summary for people, not the worker's JSON.
    expect(text(cache!)).toMatch(/held in memory +\d+ +[\d.]+ [KM]?B +of /);
    expect(text(cache!)).toContain(`held on disk`);
    expect(text(cache!)).toContain(`${folder}/.lakeloop/cache`);
    expect(text(cache!)).not.toMatch(/[{}"]/);
  }, 300_000);

  it("materialize: a model written as a table and read back", async () => {
    const cells = await execute("materialize.ipynb");
    const [model, describeCell, check] = cells;
    expect(stderr(cells)).toBe("");
    expect(text(model!)).toMatch(/0 reused, 2 ran/);
    expect(text(describeCell!)).toMatch(/default\.big_spenders/);
    expect(text(describeCell!)).toMatch(/partitioned by month\(eventTime\)/);
    expect(text(check!)).toMatch(/spend_check \(1 row × 2 columns\)/);
    expect(text(check!)).toMatch(/\n\s+n\s+smallest\n\s+long\s+double\n/); // the lake's type words
  }, 300_000);
});
