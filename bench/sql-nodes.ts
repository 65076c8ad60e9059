// SQL nodes: what moving Arrow in and out of DuckDB costs next to the query itself, for
// an N-row input (id long, usd double, country string, qty int): bulk copy in, a
// GROUP BY, the result out, and the whole input out again (the worst case).
import { tableFromArrays, vectorFromArray, Table, Utf8 } from "apache-arrow";
import { arrowFromDuckDB } from "../columnar/arrow-from-duckdb.js";
import { loadArrowIntoDuckDB } from "../columnar/arrow-into-duckdb.js";
import { Duck } from "../columnar/duckdb.js";
import { shareTable } from "../columnar/share.js";
import { bytes, median, printTable, timeIt } from "./util.js";

const COUNTRIES = ["DE", "FR", "IT", "ES", "NL", "BE", "AT", "PT", "US", "GB"];

function input(rows: number): Table {
  const id = new BigInt64Array(rows);
  const usd = new Float64Array(rows);
  const qty = new Int32Array(rows);
  const country: string[] = new Array(rows);
  for (let i = 0; i < rows; i++) { id[i] = BigInt(i); usd[i] = (i * 7919) % 100_000 / 100; qty[i] = i % 17; country[i] = COUNTRIES[(i * 31) % COUNTRIES.length]!; }
  const t = tableFromArrays({ id, usd, qty });
  return shareTable(new Table({ ...Object.fromEntries(t.schema.fields.map((f) => [f.name, t.getChild(f.name as "id")!])), country: vectorFromArray(country, new Utf8()) }));
}

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const table = input(options.rows);
  const arrowBytes = table.data.reduce((s, d) => s + d.byteLength, 0);
  const duck = await Duck.open();
  try {
    const load: number[] = [], query: number[] = [], out: number[] = [], whole: number[] = [], native: number[] = [];
    let resultRows = 0;
    for (let r = 0; r < options.repeats; r++) {
      await duck.run("DROP TABLE IF EXISTS t");
      load.push((await timeIt(() => loadArrowIntoDuckDB(duck, "t", table))).ms);
      const q = "SELECT country, count(*) AS n, sum(usd) AS usd, avg(qty) AS qty FROM t GROUP BY country";
      native.push((await timeIt(() => duck.run(`CREATE OR REPLACE TEMP TABLE agg AS ${q}`))).ms);
      const result = await timeIt(() => arrowFromDuckDB(duck, q));
      query.push(result.ms);
      resultRows = result.value.numRows;
      out.push((await timeIt(() => arrowFromDuckDB(duck, "SELECT * FROM agg"))).ms);
      whole.push((await timeIt(() => arrowFromDuckDB(duck, "SELECT * FROM t"))).ms);
    }
    const n = options.rows.toLocaleString("en-US");
    return printTable(`SQL nodes: ${n} rows x 4 columns (id long, usd double, qty int, country string; ${bytes(arrowBytes)} of Arrow); median of ${options.repeats}. Moving the input in costs ${(median(load) / median(native)).toFixed(1)}x the GROUP BY itself.`,
      ["step", "rows", "ms"], [
        ["Arrow -> DuckDB (bulk column copies into a table)", n, median(load).toFixed(0)],
        ["GROUP BY inside DuckDB (no Arrow)", n, median(native).toFixed(0)],
        ["GROUP BY with the result to Arrow", n, median(query).toFixed(0)],
        ["result only: DuckDB -> Arrow", resultRows, median(out).toFixed(1)],
        ["whole input back: DuckDB -> Arrow (worst case)", n, median(whole).toFixed(0)],
      ]);
  } finally {
    duck.close();
  }
}
