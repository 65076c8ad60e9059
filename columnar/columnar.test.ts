import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableFromArrays } from "apache-arrow";
import { arrowFromDuckDB } from "./arrow-from-duckdb.js";
import { decimalToString } from "./decimal.js";
import { loadArrowIntoDuckDB } from "./arrow-into-duckdb.js";
import { Duck } from "./duckdb.js";

let duck: Duck;
beforeAll(async () => { duck = await Duck.open(); });
afterAll(() => duck?.close());

const ROWS = 5000; // crosses DuckDB's 2048-row vectors, with a partial last one
const SOURCE = `
  SELECT i::BIGINT AS b, i::INTEGER AS n, (i % 100)::TINYINT AS t, (i * 0.5)::DOUBLE AS d, (i * 0.25)::FLOAT AS f,
         CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END AS ok,
         DATE '2023-01-01' + (i % 400)::INTEGER AS day,
         TIMESTAMP '2023-01-01' + to_microseconds(i * 1000003) AS ts,
         CASE WHEN i % 5 = 0 THEN NULL ELSE 'value ' || repeat('x', i % 20) END AS s,
         ('0x' || i)::BLOB AS bin,
         (i / 7)::DECIMAL(10, 2) AS dec,
         i::HUGEINT * 3 AS huge
  FROM range(${ROWS}) r(i)`;

describe("DuckDB -> Arrow -> DuckDB", () => {
  it("round-trips every supported type with nulls, equal to DuckDB's own values", async () => {
    await duck.run(`CREATE OR REPLACE TABLE src AS ${SOURCE}`);
    const table = await arrowFromDuckDB(duck, "SELECT * FROM src", { batchRows: 4096 });
    expect(table.numRows).toBe(ROWS);
    expect(table.batches.map((b) => b.numRows)).toEqual([4096, ROWS - 4096]);
    expect(table.getChild("s")!.nullCount).toBe(ROWS / 5);
    expect(table.getChild("ok")!.nullCount).toBe(Math.ceil(ROWS / 7));
    expect(table.getChild("b")!.get(4999)).toBe(4999n);
    expect(table.getChild("s")!.get(4999)).toBe("value " + "x".repeat(4999 % 20));
    expect(decimalToString(table.getChild("dec")!.get(10) as Uint32Array, 2)).toBe("1.43");
    expect(table.getChild("huge")!.get(4999)).toBe(14997n);

    await loadArrowIntoDuckDB(duck, "back", table);
    const diff = await duck.rows(`
      SELECT count(*) AS n FROM (
        (SELECT b, n, t, d, f, ok, day, ts, s, bin, dec, huge::BIGINT AS huge FROM src
         EXCEPT ALL SELECT * FROM back)
        UNION ALL
        (SELECT * FROM back EXCEPT ALL SELECT b, n, t, d, f, ok, day, ts, s, bin, dec, huge::BIGINT FROM src))`);
    expect(diff[0]!.n).toBe(0n);
  });

  it("keeps validity right at the 2047/2048 vector boundary", async () => {
    const table = await arrowFromDuckDB(duck, "SELECT CASE WHEN i IN (2047, 2048, 4095) THEN NULL ELSE i END AS v FROM range(4100) r(i)");
    const v = table.getChild("v")!;
    expect([v.get(2046), v.get(2047), v.get(2048), v.get(2049), v.get(4095), v.get(4096)]).toEqual([2046n, null, null, 2049n, null, 4096n]);
  });

  it("allocates shared memory on request, and returns empty results", async () => {
    const shared = await arrowFromDuckDB(duck, "SELECT i AS v, 'x' AS s FROM range(10) r(i)", { shared: true });
    for (const child of shared.batches[0]!.data.children) expect(child.values.buffer).toBeInstanceOf(SharedArrayBuffer);
    const empty = await arrowFromDuckDB(duck, "SELECT 1 AS v WHERE false");
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((f) => f.name)).toEqual(["v"]);
  });

  it("names the column of an unsupported type", async () => {
    await expect(arrowFromDuckDB(duck, "SELECT [1, 2] AS xs")).rejects.toThrow(/column "xs" has type INTEGER\[\]/);
  });

  it("loads an Arrow table built in JS, sliced and dictionary-free", async () => {
    const t = tableFromArrays({ x: Float64Array.from({ length: 3000 }, (_, i) => i / 2), name: Array.from({ length: 3000 }, (_, i) => `n${i}`) });
    await loadArrowIntoDuckDB(duck, "js", t.slice(1000, 2500));
    const rows = await duck.rows("SELECT count(*) AS n, min(x) AS lo, max(name) AS hi FROM js");
    expect(rows[0]).toEqual({ n: 1500n, lo: 500, hi: "n2499" });
  });
});
