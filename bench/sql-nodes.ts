// SQL nodes: what moving Arrow in and out of DuckDB costs next to the query itself, for
// an N-row input (id long, usd double, qty int, country string), as a SQL node does it
// on the worker (columnar/arrow-into-duckdb.ts, columnar/arrow-from-duckdb.ts): bulk
// copy in, a GROUP BY inside DuckDB, the same with its result out as Arrow, the result
// out alone, and the whole input out again (the worst case: a SELECT *).
import { makeData, makeVector, tableFromArrays, Table, Utf8 } from "apache-arrow";
import { arrowFromDuckDB } from "../columnar/arrow-from-duckdb.js";
import { loadArrowIntoDuckDB } from "../columnar/arrow-into-duckdb.js";
import { Duck } from "../columnar/duckdb.js";
import { shareTable } from "../columnar/share.js";
import { bytes, count, median, ms, printTable, progress, ratio, timeIt } from "./util.js";

const COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PT", "US", "GB"];

function input(rows: number): Table {
  const id = new BigInt64Array(rows);
  const usd = new Float64Array(rows);
  const qty = new Int32Array(rows);
  // country: a plain Utf8 column of two-letter codes, built straight into its buffers.
  const offsets = new Int32Array(rows + 1);
  const chars = new Uint8Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    id[i] = BigInt(i); usd[i] = (i * 7919) % 100_000 / 100; qty[i] = i % 17;
    const code = COUNTRIES[(i * 31) % COUNTRIES.length]!;
    chars[2 * i] = code.charCodeAt(0); chars[2 * i + 1] = code.charCodeAt(1); offsets[i + 1] = 2 * (i + 1);
  }
  const country = makeVector(makeData({ type: new Utf8(), length: rows, nullCount: 0, valueOffsets: offsets, data: chars }));
  const t = tableFromArrays({ id, usd, qty });
  return shareTable(new Table({ ...Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name as "id")!])), country }));
}

const arrowBytesOf = (table: Table) => table.data.reduce((s, d) => s + d.byteLength, 0);

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const built = await timeIt(async () => input(options.rows));
  const table = built.value;
  const arrowBytes = arrowBytesOf(table);
  const n = count(options.rows);
  progress(`input: ${n} rows x 4 columns, ${bytes(arrowBytes)} of Arrow, built in ${ms(built.ms)} ms`);
  if (table.getChild("country")!.get(options.rows - 1) !== COUNTRIES[((options.rows - 1) * 31) % COUNTRIES.length]) throw new Error("bad country column");
  const duck = await Duck.open();
  try {
    const load: number[] = [], query: number[] = [], out: number[] = [], whole: number[] = [], native: number[] = [];
    let resultRows = 0, resultBytes = 0, wholeRows = 0, wholeBytes = 0;
    const q = "SELECT country, count(*) AS n, sum(usd) AS usd, avg(qty) AS qty FROM t GROUP BY country";
    for (let r = 0; r < options.repeats; r++) {
      await duck.run("DROP TABLE IF EXISTS t");
      load.push((await timeIt(() => loadArrowIntoDuckDB(duck, "t", table))).ms);
      native.push((await timeIt(() => duck.run(`CREATE OR REPLACE TEMP TABLE agg AS ${q}`))).ms);
      const result = await timeIt(() => arrowFromDuckDB(duck, q));
      query.push(result.ms);
      resultRows = result.value.numRows;
      if (resultRows !== COUNTRIES.length) throw new Error(`the GROUP BY gave ${resultRows} groups`);
      const agg = await timeIt(() => arrowFromDuckDB(duck, "SELECT * FROM agg"));
      out.push(agg.ms);
      resultBytes = arrowBytesOf(agg.value);
      const back = await timeIt(() => arrowFromDuckDB(duck, "SELECT * FROM t"));
      whole.push(back.ms);
      wholeRows = back.value.numRows;
      wholeBytes = arrowBytesOf(back.value);
      if (wholeRows !== options.rows) throw new Error(`DuckDB gave back ${wholeRows} of ${options.rows} rows`);
      progress(`repeat ${r + 1}/${options.repeats}: in ${ms(load.at(-1)!)} ms, GROUP BY ${ms(native.at(-1)!)} ms, whole input out ${ms(whole.at(-1)!)} ms`);
    }
    const title = `SQL nodes: ${n} rows x 4 columns (id long, usd double, qty int, country string; ${bytes(arrowBytes)} of Arrow); median of ${options.repeats}. ` +
      `Ratios in this run: moving the input in costs ${ratio(median(load), median(native))} the GROUP BY itself; the result out costs ${ratio(median(out), median(native))} of it; ` +
      `the whole input out (worst case) ${ratio(median(whole), median(native))}.`;
    return printTable(title, ["step", "rows", "bytes moved", "ms"], [
      ["Arrow -> DuckDB (bulk column copies into a table)", n, bytes(arrowBytes), ms(median(load))],
      ["GROUP BY inside DuckDB (no Arrow)", n, "0 B", ms(median(native))],
      ["GROUP BY with the result to Arrow", n, bytes(resultBytes), ms(median(query))],
      ["result only: DuckDB -> Arrow", count(resultRows), bytes(resultBytes), ms(median(out))],
      ["whole input back: DuckDB -> Arrow (worst case)", count(wholeRows), bytes(wholeBytes), ms(median(whole))],
    ]);
  } finally {
    duck.close();
  }
}
