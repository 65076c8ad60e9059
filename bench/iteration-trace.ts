// The iteration trace (the "FaaS and Furious" setting): a scripted session of edits on
// `transactions` — widen and narrow the time window, add and drop columns, change the
// filter, edit the downstream SQL — run through lakeloop's session and worker with its
// differential cache, again with the cache off (LAKELOOP_CACHE_OFF=1: every scan fetches
// everything it needs), and as the equivalent SQL that DuckDB re-runs over the same
// Parquet files each step. Bytes: for lakeloop, bytes read from the object store; for
// DuckDB, bytes it read from the files (/proc/self/io rchar); ideal: the distinct column
// chunks the whole trace needs.
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { Session } from "../engine/session.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { writeSample } from "../lake/ingest/sample.js";
import { planScan } from "../lake/scan/plan-scan.js";
import { FileStore } from "../lake/store/file-store.js";
import { bytes as mb, median, printTable, timeIt } from "./util.js";

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

async function runTrace(session: Session): Promise<{ ms: number; bytes: number; rows: number }[]> {
  const out = [];
  for (const step of TRACE) {
    const r = await timeIt(async () => {
      await session.applyCell("window", windowCell(step));
      return session.runCell("summary", sqlCell(step));
    });
    const report = r.value.report!;
    const failed = report.nodes.find((n) => n.action === "failed");
    if (failed) throw new Error(`trace step "${step.what}": ${failed.name} failed: ${failed.error}`);
    out.push({ ms: r.ms, bytes: report.nodes.reduce((s, n) => s + n.objectStoreBytes, 0), rows: report.previews.find((p) => p.name === "summary")?.rows ?? 0 });
  }
  return out;
}

async function bytesReadByThisProcess(): Promise<number> {
  const io = await readFile("/proc/self/io", "utf8");
  return Number(/rchar: (\d+)/.exec(io)![1]);
}

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-trace-"));
  try {
    const store = await FileStore.open(path.join(dir, "lake"));
    const catalog = await Catalog.open(store);
    const table = await writeSample(catalog, { rows: options.rows, months: 6 });
    const files = await table.dataFiles();
    const lakeBytes = files.reduce((s, f) => s + f.fileSizeBytes, 0);
    process.stdout.write(`iteration trace: ${options.rows.toLocaleString("en-US")} rows over 6 months, ${files.length} files, ${mb(lakeBytes)}; ${TRACE.length} steps\n`);

    const open = (name: string, extra: NodeJS.ProcessEnv = {}) =>
      Session.open({ lake: store.root, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, `cache-${name}`), ...extra }, redefine: "replace" });
    // Each repeat starts from nothing: a new session, worker and cache directory.
    const lakeloopRuns: { ms: number; bytes: number }[][] = [];
    const uncachedRuns: { ms: number; bytes: number }[][] = [];
    const duckRuns: { ms: number; bytes: number }[][] = [];
    const duck = await Duck.open({ threads: 2 });
    const list = `[${files.map((f) => quoteLiteral(fileURLToPath(f.path))).join(", ")}]`;
    for (let r = 0; r < options.repeats; r++) {
      const withCache = await open(`on-${r}`);
      lakeloopRuns.push(await runTrace(withCache).finally(() => withCache.close()));
      const cacheOff = await open(`off-${r}`, { LAKELOOP_CACHE_OFF: "1" });
      uncachedRuns.push(await runTrace(cacheOff).finally(() => cacheOff.close()));
      const steps: { ms: number; bytes: number }[] = [];
      for (const step of TRACE) {
        const before = await bytesReadByThisProcess();
        const q = await timeIt(() => duck.rows(`SELECT ${step.group}, count(*) AS n, ${step.aggregate} AS usd FROM read_parquet(${list}) WHERE ${step.filter} GROUP BY ${step.group} ORDER BY ${step.group}`));
        steps.push({ ms: q.ms, bytes: (await bytesReadByThisProcess()) - before });
      }
      duckRuns.push(steps);
    }
    duck.close();
    const medianOf = (runs: { ms: number; bytes: number }[][]) => TRACE.map((_, i) => ({ ms: median(runs.map((run) => run[i]!.ms)), bytes: median(runs.map((run) => run[i]!.bytes)) }));
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

    const rows = TRACE.map((step, i) => [
      `${i + 1}. ${step.what}`,
      lakeloop[i]!.ms.toFixed(0), mb(lakeloop[i]!.bytes),
      uncached[i]!.ms.toFixed(0), mb(uncached[i]!.bytes),
      duckdb[i]!.ms.toFixed(0), mb(duckdb[i]!.bytes),
      mb(perStepIdeal[i]!),
    ]);
    const sum = (xs: { ms?: number; bytes?: number }[], k: "ms" | "bytes") => xs.reduce((s, x) => s + (x[k] ?? 0), 0);
    rows.push(["total", sum(lakeloop, "ms").toFixed(0), mb(sum(lakeloop, "bytes")), sum(uncached, "ms").toFixed(0), mb(sum(uncached, "bytes")),
      sum(duckdb, "ms").toFixed(0), mb(sum(duckdb, "bytes")), mb([...chunks.values()].reduce((s, n) => s + n, 0))]);
    const saved = (sum(uncached, "bytes") / Math.max(1, sum(lakeloop, "bytes"))).toFixed(1);
    return printTable(`Iteration trace: ${TRACE.length} edits on ${options.rows.toLocaleString("en-US")} rows (${files.length} files, ${mb(lakeBytes)}); wall ms and bytes read per step, medians of ${options.repeats} runs from a cold start. lakeloop read ${saved}x fewer bytes than with its cache off.`,
      ["step", "lakeloop ms", "lakeloop bytes", "cache off ms", "cache off bytes", "DuckDB ms", "DuckDB bytes", "ideal new bytes"], rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
