// A year of data: a year-long SQL aggregate and a TypeScript model over the same scan of
// `transactions` (one scan node feeds both), through the session and a local worker —
// cold (new worker, empty cache) and after an edit of the SQL — against DuckDB running
// the same aggregates over the same Parquet files. The worker's peak memory is read from
// the worker itself (its maximum resident set).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { Session } from "../engine/session.js";
import type { Reply } from "../protocol/messages.js";
import { bytes, count, median, ms, printTable, progress, ratio, timeIt } from "./util.js";
import { writeSampleLake } from "./sample-lake.js";

const YEAR = "eventTime BETWEEN '2023-01-01' AND '2024-01-01'";
// The columns the SQL reads (in the table's order), so that its scan and the model's are one node.
const COLUMNS = ["usd", "country", "eventTime", "quantity"];

const tsCell = `model("year_stats", { tx: Model("transactions", { columns: ${JSON.stringify(COLUMNS)}, filter: "${YEAR}" }) }, ({ tx }) => {
  const usd = tx.getChild("usd"), quantity = tx.getChild("quantity");
  let total = 0, items = 0, big = 0;
  for (let i = 0; i < tx.numRows; i++) {
    const u = usd.get(i);
    total += u;
    items += quantity.get(i);
    if (u > 1000) big++;
  }
  return [{ rows: tx.numRows, total, items, big }];
});`;
const sqlCell = (aggregate: string) => `%%sql by_country\nSELECT country, count(*) AS n, ${aggregate}(usd) AS usd, sum(quantity) AS items FROM transactions WHERE ${YEAR} GROUP BY country ORDER BY country`;
const duckSql = (aggregate: string, from: string) => `SELECT country, count(*) AS n, ${aggregate}(usd) AS usd, sum(quantity) AS items FROM ${from} WHERE ${YEAR} GROUP BY country ORDER BY country`;
const duckTs = (from: string) => `SELECT count(*) AS rows, sum(usd) AS total, sum(quantity) AS items, count(*) FILTER (WHERE usd > 1000) AS big FROM ${from} WHERE ${YEAR}`;

type Status = Extract<Reply, { type: "status" }>;

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-year-"));
  try {
    const { store, files, lakeBytes, writeMs } = await writeSampleLake(dir, { rows: options.rows, months: 12 });
    progress(`sample: ${count(options.rows)} rows over 12 months, ${files.length} files, ${bytes(lakeBytes)}, written in ${(writeMs / 1000).toFixed(1)} s`);
    const list = `read_parquet([${files.map((f) => quoteLiteral(fileURLToPath(f.path))).join(", ")}])`;

    const cold: number[] = [], edit: number[] = [], duckCold: number[] = [], duckEdit: number[] = [];
    let peak = 0, scanned = 0, fetched = 0;
    for (let r = 0; r < options.repeats; r++) {
      const session = await Session.open({ lake: store.root, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, `cache-${r}`) }, redefine: "replace" });
      try {
        // A moment for the new worker's model threads to warm, as a session opened by a user would have.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await session.applyCell("stats", tsCell);
        await session.applyCell("agg", sqlCell("sum"));
        const first = await timeIt(() => session.run(["year_stats", "by_country"]));
        const scans = first.value.nodes.filter((n) => n.kind === "scan");
        if (scans.length !== 1 || scans[0]!.action !== "ran") throw new Error(`expected one scan feeding both models, got ${scans.map((s) => s.name).join(" and ")}`);
        if (first.value.nodes.some((n) => n.action === "failed")) throw new Error(first.value.nodes.find((n) => n.action === "failed")!.error);
        scanned = scans[0]!.rows ?? 0;
        fetched = scans[0]!.read.objectStoreBytes;
        cold.push(first.ms);
        const edited = await timeIt(() => session.runCell("agg", sqlCell("avg")));
        const ran = edited.value.report!.nodes.filter((n) => n.action === "ran").map((n) => n.name);
        if (ran.join(",") !== "by_country") throw new Error(`the SQL edit ran ${ran.join(", ")}`);
        edit.push(edited.ms);
        const status = await session.worker.request<Status>({ type: "status" });
        peak = Math.max(peak, status.process?.maxRssBytes ?? 0);
        const rows = (await session.result("year_stats")).getChild("rows")!.get(0);
        progress(`run ${r + 1}: cold ${ms(first.ms)} ms (${count(Number(rows))} rows in the year), after a SQL edit ${ms(edited.ms)} ms`);
      } finally {
        await session.close();
      }
      const duck = await Duck.open({ threads: 2 });
      try {
        const both = await timeIt(async () => [await duck.rows(duckSql("sum", list)), await duck.rows(duckTs(list))]);
        duckCold.push(both.ms);
        duckEdit.push((await timeIt(() => duck.rows(duckSql("avg", list)))).ms);
        const duckRows = Number(both.value[1]![0]!.rows);
        if (duckRows !== scanned) throw new Error(`DuckDB counts ${duckRows} rows in the year, lakeloop ${scanned}`);
      } finally {
        duck.close();
      }
    }
    const title = `A year of data: ${count(options.rows)} rows (${files.length} files, ${bytes(lakeBytes)} of Parquet); a year-long SQL aggregate ` +
      `and a TypeScript model (a loop over every row) over one scan of ${COLUMNS.length} columns (${count(scanned)} rows), cold (new worker, empty cache) and after an ` +
      `edit of the SQL, against DuckDB running the same two aggregates over the same local files; median of ${options.repeats}. Ratios in this run: cold ` +
      `${ratio(median(cold), median(duckCold))} DuckDB's time, after the SQL edit ${ratio(median(edit), median(duckEdit))}. The worker's peak memory: ${bytes(peak)}.`;
    return printTable(title, ["what", "rows", "bytes read", "lakeloop ms", "DuckDB ms"], [
      ["cold: scan, model and aggregate", count(scanned), bytes(fetched), ms(median(cold)), ms(median(duckCold))],
      ["after an edit of the SQL (avg for sum)", count(scanned), "0 B", ms(median(edit)), ms(median(duckEdit))],
      ["(the worker's peak memory: its max resident set)", "-", bytes(peak), "-", "-"],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
