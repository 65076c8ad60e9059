// SQL nodes: what a GROUP BY over an N-row Arrow input (id long, usd double, qty int,
// country string as a dictionary, as scans deliver it) costs as a SQL node runs it —
// on the native path (DuckDB scans the Arrow buffers in place, the result comes back as
// Arrow buffers) and on the JavaScript path (the input appended into a temporary table,
// strings as ENUM codes; the result read with the synchronous chunk API) — against the
// same GROUP BY over a table DuckDB already holds. Also the worst case: the whole input
// back out as Arrow (a SELECT *).
import { Dictionary, Int32, makeData, makeVector, tableFromArrays, Table, Utf8, vectorFromArray } from "apache-arrow";
import { Duck } from "../columnar/duckdb.js";
import { shareTable } from "../columnar/share.js";
import { openSqlOverArrow, type SqlOverArrow, type SqlTiming } from "../columnar/sql-over-arrow.js";
import { bytes, count, median, ms, printTable, progress, ratio, timeIt } from "./util.js";

const COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PT", "US", "GB"];
const BATCH = 65_536; // rows per record batch, as a scan's row groups

function input(rows: number): Table {
  const id = new BigInt64Array(rows);
  const usd = new Float64Array(rows);
  const qty = new Int32Array(rows);
  const keys = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    id[i] = BigInt(i); usd[i] = (i * 7919) % 100_000 / 100; qty[i] = i % 17;
    keys[i] = (i * 31) % COUNTRIES.length;
  }
  const dictionary = vectorFromArray(COUNTRIES, new Utf8());
  const country = makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32()), length: rows, nullCount: 0, data: keys, dictionary }));
  const t = tableFromArrays({ id, usd, qty });
  const whole = new Table({ ...Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name as "id")!])), country });
  // Batches of a scan's row-group size, in shared memory.
  const parts: Table[] = [];
  for (let at = 0; at < rows; at += BATCH) parts.push(whole.slice(at, Math.min(rows, at + BATCH)));
  return shareTable(parts[0]!.concat(...parts.slice(1)));
}

const arrowBytesOf = (table: Table) => table.data.reduce((s, d) => s + d.byteLength, 0);
const Q = "SELECT country, count(*) AS n, sum(usd) AS usd, avg(qty) AS qty FROM t GROUP BY country";

async function measure(sql: SqlOverArrow, table: Table, repeats: number): Promise<{ total: number[]; timing: SqlTiming[]; whole: number[]; groups: number }> {
  const total: number[] = [], timing: SqlTiming[] = [], whole: number[] = [];
  let groups = 0;
  await sql.query(Q, { t: table }); // warm-up
  for (let r = 0; r < repeats; r++) {
    const t: SqlTiming = { in: 0, sql: 0, out: 0 };
    const result = await timeIt(() => sql.query(Q, { t: table }, undefined, t));
    groups = result.value.numRows;
    if (groups !== COUNTRIES.length) throw new Error(`the GROUP BY gave ${groups} groups on the ${sql.path} path`);
    total.push(result.ms);
    timing.push(t);
    const back = await timeIt(() => sql.query("SELECT * FROM t", { t: table }));
    if (back.value.numRows !== table.numRows) throw new Error(`SELECT * gave back ${back.value.numRows} of ${table.numRows} rows`);
    whole.push(back.ms);
  }
  return { total, timing, whole, groups };
}

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const built = await timeIt(async () => input(options.rows));
  const table = built.value;
  const arrowBytes = arrowBytesOf(table);
  const n = count(options.rows);
  progress(`input: ${n} rows x 4 columns (country a dictionary of ${COUNTRIES.length}), ${bytes(arrowBytes)} of Arrow in ${table.batches.length} batches, built in ${ms(built.ms)} ms`);

  // The query alone: over a table DuckDB holds natively (loaded once, not timed).
  const duck = await Duck.open({ threads: 2 });
  const own: number[] = [];
  try {
    await duck.run(`CREATE TABLE t AS SELECT i::BIGINT AS id, ((i * 7919) % 100000) / 100.0 AS usd, (i % 17)::INTEGER AS qty,
      (['DE','FR','IT','ES','NL','BE','AT','PT','US','GB'])[((i * 31) % 10) + 1] AS country FROM range(${options.rows}) r(i)`);
    await duck.rows(Q);
    for (let r = 0; r < options.repeats; r++) own.push((await timeIt(() => duck.rows(Q))).ms);
  } finally {
    duck.close();
  }
  progress(`GROUP BY over DuckDB's own table: ${ms(median(own))} ms`);

  const rows: (string | number)[][] = [];
  const summary: string[] = [];
  for (const path of ["native", "js"] as const) {
    let sql: SqlOverArrow;
    try {
      sql = await openSqlOverArrow({ path, threads: 2 });
    } catch (err) {
      rows.push([`(${path} path: not available: ${(err as Error).message})`, n, "0 B", "0"]);
      continue;
    }
    try {
      const m = await measure(sql, table, options.repeats);
      const t = (k: keyof SqlTiming) => median(m.timing.map((x) => x[k]));
      const label = path === "native" ? "native: DuckDB scans the Arrow buffers in place" : "JavaScript path: appended into DuckDB (ENUM codes)";
      rows.push([`${label}, GROUP BY, result to Arrow (total)`, n, bytes(arrowBytes), ms(median(m.total))]);
      rows.push([`  in (register / append)`, n, bytes(arrowBytes), ms(t("in"))]);
      rows.push([`  the query`, n, "0 B", ms(t("sql"))]);
      rows.push([`  out (${m.groups} groups to Arrow)`, count(m.groups), "0 B", ms(t("out"))]);
      rows.push([`${path}: whole input back as Arrow (SELECT *, worst case)`, n, bytes(arrowBytes), ms(median(m.whole))]);
      summary.push(`the ${path} path costs ${ratio(median(m.total), median(own))} the GROUP BY itself`);
      progress(`${path}: ${ms(median(m.total))} ms (in ${ms(t("in"))}, query ${ms(t("sql"))}, out ${ms(t("out"))}); SELECT * ${ms(median(m.whole))} ms`);
    } finally {
      await sql.close();
    }
  }
  rows.push(["GROUP BY over a table DuckDB holds (no Arrow)", n, "0 B", ms(median(own))]);
  const title = `SQL nodes: ${n} rows x 4 columns (id long, usd double, qty int, country a dictionary-encoded string; ${bytes(arrowBytes)} of Arrow in ` +
    `${table.batches.length} batches of ${count(BATCH)}); median of ${options.repeats}, 2 DuckDB threads. Ratios in this run: ${summary.join("; ")}.`;
  return printTable(title, ["step", "rows", "bytes", "ms"], rows);
}
