// The iteration trace (the "FaaS and Furious" setting): a scripted session of edits on
// `transactions` — widen and narrow the time window, add and drop columns, change the
// filter, edit the downstream SQL — run through lakeloop's session and worker with its
// differential cache, again with the cache off (LAKELOOP_CACHE_OFF=1: every scan fetches
// everything it needs; outputs the worker still holds by fingerprint are reused either
// way), and as the equivalent SQL that DuckDB re-runs over the same Parquet files each
// step. Bytes: for lakeloop, bytes read from the object store (ranged reads coalesce
// chunks less than 64 KB apart, so a step can read a little more than it needs); for
// DuckDB, bytes it read from the files (/proc/self/io rchar); ideal: the distinct column
// chunks (requested and filter columns, row groups left after pruning) the trace needs,
// counted at the first step that needs them. Each step's result is checked against
// DuckDB's (the same groups and row counts).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { profileTotals } from "../engine/commands/describe-profile.js";
import { Session } from "../engine/session.js";
import { planScan } from "../lake/scan/plan-scan.js";
import { bytes as mb, bytesReadByThisProcess, count, median, printTable, progress, ratio, timeIt } from "./util.js";
import { writeSampleLake } from "./sample-lake.js";

interface Step {
  what: string;
  columns: string[];
  filter: string;
  /** The downstream SQL's aggregate and grouping. */
  aggregate: string;
  group: string;
}

const month = (from: number, to: number) => `eventTime BETWEEN '2023-${String(from).padStart(2, "0")}-01' AND '2023-${String(to).padStart(2, "0")}-01'`;
const BASE = ["id", "usd", "country"];

export const TRACE: Step[] = [
  { what: "January, 3 columns", columns: BASE, filter: month(1, 2), aggregate: "sum(usd)", group: "country" },
  { what: "widen to February", columns: BASE, filter: month(1, 3), aggregate: "sum(usd)", group: "country" },
  { what: "widen to March", columns: BASE, filter: month(1, 4), aggregate: "sum(usd)", group: "country" },
  { what: "add column merchant", columns: [...BASE, "merchant"], filter: month(1, 4), aggregate: "sum(usd)", group: "country" },
  { what: "narrow to February-March", columns: [...BASE, "merchant"], filter: month(2, 4), aggregate: "sum(usd)", group: "country" },
  { what: "drop column merchant", columns: BASE, filter: month(2, 4), aggregate: "sum(usd)", group: "country" },
  { what: "filter: usd > 100", columns: BASE, filter: `${month(1, 4)} AND usd > 100`, aggregate: "sum(usd)", group: "country" },
  { what: "edit downstream: avg instead of sum", columns: BASE, filter: `${month(1, 4)} AND usd > 100`, aggregate: "avg(usd)", group: "country" },
  { what: "add column category, group by it", columns: [...BASE, "category"], filter: `${month(1, 4)} AND usd > 100`, aggregate: "avg(usd)", group: "category" },
  { what: "widen to April", columns: [...BASE, "category"], filter: `${month(1, 5)} AND usd > 100`, aggregate: "avg(usd)", group: "category" },
  { what: "back to January, 3 columns", columns: BASE, filter: month(1, 2), aggregate: "sum(usd)", group: "country" },
  { what: "the same again (no-op)", columns: BASE, filter: month(1, 2), aggregate: "sum(usd)", group: "country" },
];

const windowCell = (s: Step) => `model("recent", { tx: Model("transactions", { columns: ${JSON.stringify(s.columns)}, filter: ${JSON.stringify(s.filter)} }) }, ({ tx }) => tx);`;
const sqlCell = (s: Step) => `%%sql summary\nSELECT ${s.group}, count(*) AS n, ${s.aggregate} AS usd FROM recent GROUP BY ${s.group} ORDER BY ${s.group}`;

interface StepResult {
  ms: number;
  bytes: number;
  /** Groups in the step's result, and the rows they count (the window's rows). */
  groups: number;
  rows: number;
  /** Where lakeloop's time went (ms by phase, planning and the worker round trip included). */
  phases?: Record<string, number>;
}

/** The breakdown's columns: the phases of `lakeloop run --profile`, grouped. */
const PHASE_COLUMNS: [string, string[]][] = [
  ["engine", ["engine"]], ["scan plan", ["plan"]], ["fetch", ["fetch"]], ["decode", ["decode"]], ["filter", ["filter"]],
  ["hand-off", ["hand-off"]], ["thread", ["thread"]], ["model", ["model"]], ["check", ["check"]],
  ["SQL in", ["sql-in"]], ["SQL", ["sql"]], ["SQL out", ["sql-out"]],
];

async function runTrace(label: string, session: Session): Promise<StepResult[]> {
  const out: StepResult[] = [];
  for (const [i, step] of TRACE.entries()) {
    const r = await timeIt(async () => {
      await session.applyCell("window", windowCell(step));
      return session.runCell("summary", sqlCell(step));
    });
    const report = r.value.report!;
    const failed = report.nodes.find((n) => n.action === "failed");
    if (failed) throw new Error(`trace step "${step.what}": ${failed.name} failed: ${failed.error}`);
    const preview = report.previews.find((p) => p.name === "summary");
    // The preview holds the first rows; the summary has a few dozen groups, so all of them.
    const n = preview && preview.table.numRows === preview.rows ? [...preview.table.getChild("n")!].reduce((s: number, x) => s + Number(x), 0) : NaN;
    const totals = profileTotals(report);
    // Engine: the step's time on this side (cells, DAG, plan), all but the worker's round trip.
    const phases: Record<string, number> = { ...totals, engine: r.ms - totals.worker };
    const result = { ms: r.ms, bytes: report.nodes.reduce((s, x) => s + x.read.objectStoreBytes, 0), groups: preview?.rows ?? 0, rows: n, phases };
    progress(`${label} ${i + 1}/${TRACE.length} ${step.what}: ${result.ms.toFixed(0)} ms, ${mb(result.bytes)} from the object store`);
    out.push(result);
  }
  return out;
}

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-trace-"));
  try {
    const { store, catalog, files, lakeBytes } = await writeSampleLake(dir, { rows: options.rows, months: 6 });
    progress(`sample: ${count(options.rows)} rows over 6 months, ${files.length} files, ${mb(lakeBytes)}; ${TRACE.length} steps, ${options.repeats} run(s) each`);

    const open = (name: string, extra: NodeJS.ProcessEnv = {}) =>
      Session.open({ lake: store.root, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, `cache-${name}`), ...extra }, redefine: "replace" });
    // Each repeat starts from nothing: a new session, worker and cache directory.
    const lakeloopRuns: StepResult[][] = [];
    const uncachedRuns: StepResult[][] = [];
    const duckRuns: StepResult[][] = [];
    const duck = await Duck.open({ threads: 2 });
    try {
      const list = `[${files.map((f) => quoteLiteral(fileURLToPath(f.path))).join(", ")}]`;
      for (let r = 0; r < options.repeats; r++) {
        const withCache = await open(`on-${r}`);
        lakeloopRuns.push(await runTrace(`run ${r + 1}, lakeloop:`, withCache).finally(() => withCache.close()));
        const cacheOff = await open(`off-${r}`, { LAKELOOP_CACHE_OFF: "1" });
        uncachedRuns.push(await runTrace(`run ${r + 1}, cache off:`, cacheOff).finally(() => cacheOff.close()));
        const steps: StepResult[] = [];
        for (const step of TRACE) {
          const before = await bytesReadByThisProcess();
          const q = await timeIt(() => duck.rows(`SELECT ${step.group}, count(*) AS n, ${step.aggregate} AS usd FROM read_parquet(${list}) WHERE ${step.filter} GROUP BY ${step.group} ORDER BY ${step.group}`));
          steps.push({ ms: q.ms, bytes: (await bytesReadByThisProcess()) - before, groups: q.value.length, rows: q.value.reduce((s, x) => s + Number(x.n), 0) });
        }
        progress(`run ${r + 1}, DuckDB: ${steps.reduce((s, x) => s + x.ms, 0).toFixed(0)} ms for ${TRACE.length} steps`);
        duckRuns.push(steps);
        // Every system answered every step the same way (groups and the rows they count).
        for (const [i, step] of TRACE.entries()) {
          const want = steps[i]!;
          for (const [who, got] of [["lakeloop", lakeloopRuns[r]![i]!], ["cache off", uncachedRuns[r]![i]!]] as const) {
            if (got.groups !== want.groups || (!Number.isNaN(got.rows) && got.rows !== want.rows)) {
              throw new Error(`trace step "${step.what}": ${who} gave ${got.groups} groups over ${got.rows} rows, DuckDB ${want.groups} over ${want.rows}`);
            }
          }
        }
      }
    } finally {
      duck.close();
    }
    const medianOf = (runs: StepResult[][]) => TRACE.map((_, i) => ({ ms: median(runs.map((run) => run[i]!.ms)), bytes: median(runs.map((run) => run[i]!.bytes)) }));
    const phaseMedian = (i: number, keys: string[]) => median(lakeloopRuns.map((run) => keys.reduce((s, k) => s + (run[i]!.phases?.[k] ?? 0), 0)));
    const lakeloop = medianOf(lakeloopRuns);
    const uncached = medianOf(uncachedRuns);
    const duckdb = medianOf(duckRuns);

    // Ideal: each distinct column chunk the trace touches, counted once.
    const chunks = new Map<string, number>();
    const perStepIdeal: number[] = [];
    for (const step of TRACE) {
      const plan = await planScan(catalog, { table: "transactions", columns: step.columns, filter: step.filter });
      let fresh = 0;
      for (const f of plan.files) for (const g of f.rowGroups) for (const c of g.chunks) {
        const key = `${f.key}#${g.index}#${c.column}`;
        if (!chunks.has(key)) { chunks.set(key, c.length); fresh += c.length; }
      }
      perStepIdeal.push(fresh);
    }

    const windowRows = duckRuns[0]!.map((x) => x.rows);
    const rows = TRACE.map((step, i) => [
      `${i + 1}. ${step.what}`,
      count(windowRows[i]!),
      lakeloop[i]!.ms.toFixed(0), mb(lakeloop[i]!.bytes),
      uncached[i]!.ms.toFixed(0), mb(uncached[i]!.bytes),
      duckdb[i]!.ms.toFixed(0), mb(duckdb[i]!.bytes),
      mb(perStepIdeal[i]!),
    ]);
    const sum = (xs: { ms?: number; bytes?: number }[], k: "ms" | "bytes") => xs.reduce((s, x) => s + (x[k] ?? 0), 0);
    const idealTotal = [...chunks.values()].reduce((s, n) => s + n, 0);
    rows.push(["total", count(windowRows.reduce((s, n) => s + n, 0)), sum(lakeloop, "ms").toFixed(0), mb(sum(lakeloop, "bytes")), sum(uncached, "ms").toFixed(0), mb(sum(uncached, "bytes")),
      sum(duckdb, "ms").toFixed(0), mb(sum(duckdb, "bytes")), mb(idealTotal)]);
    const title = `Iteration trace: ${TRACE.length} steps (a first run and ${TRACE.length - 1} edits) on ${count(options.rows)} rows (${files.length} files, ${mb(lakeBytes)} of Parquet); ` +
      `rows = the rows in the step's window after its filter; wall ms and bytes read per step, medians of ${options.repeats} runs, each from a cold start (new worker, empty cache). ` +
      `Ratios in this run: lakeloop read ${ratio(sum(uncached, "bytes"), sum(lakeloop, "bytes"))} fewer bytes than with its cache off and ${ratio(sum(duckdb, "bytes"), sum(lakeloop, "bytes"))} fewer than DuckDB, ` +
      `and ${ratio(sum(lakeloop, "bytes"), idealTotal)} the ideal; total wall time with the cache off was ${ratio(sum(uncached, "ms"), sum(lakeloop, "ms"))} lakeloop's, ` +
      `and lakeloop's was ${ratio(sum(lakeloop, "ms"), sum(duckdb, "ms"))} DuckDB's on local files (a lakeloop step plans, then runs a scan, a TypeScript model thread and a SQL node on a worker process).`;
    // Steps that fetch nothing (every byte from the cache or resident outputs): against half of DuckDB's time.
    const noFetch = TRACE.map((_, i) => i).filter((i) => lakeloop[i]!.bytes === 0);
    const worstNoFetch = Math.max(...noFetch.map((i) => lakeloop[i]!.ms / duckdb[i]!.ms));
    const breakdown = TRACE.map((step, i) => {
      const cells = PHASE_COLUMNS.map(([, keys]) => phaseMedian(i, keys));
      const other = lakeloop[i]!.ms - cells.reduce((a, b) => a + b, 0);
      return [`${i + 1}. ${step.what}`, lakeloop[i]!.ms.toFixed(0), ...cells.map((x) => Math.max(0, x)).map((x) => (x < 10 ? x.toFixed(1) : x.toFixed(0))), Math.max(0, other).toFixed(1)];
    });
    const phaseTotals = PHASE_COLUMNS.map((_, c) => breakdown.reduce((s, r) => s + Number(r[2 + c]), 0));
    breakdown.push(["total", sum(lakeloop, "ms").toFixed(0), ...phaseTotals.map((x) => x.toFixed(0)), breakdown.reduce((s, r) => s + Number(r.at(-1)), 0).toFixed(0)]);
    const breakdownTitle = `Where lakeloop's time went, per step (ms, medians of ${options.repeats} runs; the phases of \`lakeloop run --profile\`): engine = this side ` +
      `(the cell, the DAG, the plan; all but the worker's round trip); scan plan, fetch (object store and disk), decode, filter; a TypeScript model's hand-off ` +
      `(inputs described and lent: their checksums the first time), thread (to and from its warm thread), model (its code), check (inputs unchanged, output well-formed); ` +
      `SQL in (inputs registered), SQL, SQL out; other = messages and previews. Steps that fetch nothing (${noFetch.map((i) => i + 1).join(", ")}) took at most ` +
      `${ratio(worstNoFetch * 100, 100)} DuckDB's time.`;
    return printTable(title,
      ["step", "rows", "lakeloop ms", "lakeloop bytes", "cache off ms", "cache off bytes", "DuckDB ms", "DuckDB bytes", "ideal new bytes"], rows) + "\n" +
      printTable(breakdownTitle, ["step", "ms", ...PHASE_COLUMNS.map(([name]) => name), "other"], breakdown);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
