import { describe, expect, it } from "vitest";
import { Field, Float64, Schema, Table, tableFromArrays, tableFromIPC, tableFromJSON, tableToIPC, vectorFromArray } from "apache-arrow";
import { arrowFromDuckDB } from "../columnar/arrow-from-duckdb.js";
import { Duck } from "../columnar/duckdb.js";
import { describeTable, shareTable } from "../columnar/share.js";
import { findBadOutput } from "./check-model-output.js";

const check = (table: Table) => findBadOutput(describeTable(table));
// Concatenating unlike tables is what TypeScript's types forbid and JavaScript models do.
const concat = (a: Table, b: Table): Table => a.concat(b);

describe("findBadOutput", () => {
  it("accepts every well-formed table a model may return: sliced, shared, empty, all null, dictionaries", async () => {
    const duck = await Duck.open();
    try {
      const scanned = await arrowFromDuckDB(duck, `SELECT i::INT a, i::BIGINT b, i / 3 c, i % 2 = 0 e, 'x' || i f, CASE WHEN i % 3 = 0 THEN NULL ELSE i END g,
        TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND h, NULL::INT n, ''::VARCHAR blank, DATE '2020-01-01' d FROM range(3000) t(i)`, { shared: true, batchRows: 1000 });
      const good: [string, Table][] = [
        ["DuckDB output", scanned], ["a slice across batches", scanned.slice(123, 2500)], ["a slice of three rows", scanned.slice(999, 1002)],
        ["a shared slice", shareTable(scanned.slice(5, 7))], ["an IPC round trip", tableFromIPC(tableToIPC(scanned.slice(0, 100)))],
        ["an empty DuckDB result", await arrowFromDuckDB(duck, "SELECT 1 AS a WHERE false")],
        ["rows", tableFromJSON([{ a: 1, s: "x", b: true, n: null, big: 1n, at: new Date(0) }, { a: null, s: null, b: null, n: null, big: null, at: null }])],
        ["no rows", tableFromJSON([] as Record<string, unknown>[])], ["a schema without batches", new Table(new Schema([new Field("x", new Float64())]))],
        ["arrays with a dictionary column, sliced", tableFromArrays({ x: Int32Array.from([1, 2, 3]), s: ["a", "b", null] }).slice(1)],
        ["an all-null column", new Table({ x: vectorFromArray([null, null], new Float64()) })],
        ["a concat of like tables", tableFromArrays({ x: [1, 2] }).concat(tableFromArrays({ x: [3] }))],
      ];
      for (const [what, table] of good) expect(check(table), what).toBeUndefined();
    } finally {
      duck.close();
    }
  });

  it("finds uneven columns, batches off the schema and rows without columns", () => {
    expect(check(new Table({ x: vectorFromArray([1, 2, 3]), y: vectorFromArray([5]) }))).toBe("its columns differ in length (x: 3, y: 1); every column needs one value per row");
    expect(check(new Table({ s: vectorFromArray(["a", "b"]), n: vectorFromArray([1, 2, 3, 4]) }))).toMatch(/^its columns differ in length \(s: 2, n: 4\)/);
    expect(check(concat(tableFromArrays({ x: Int32Array.from([1]) }), tableFromArrays({ x: Float64Array.from([1]) })))).toMatch(/record batch 2 holds Float64Array values where Int32 keeps Int32Array/);
    expect(check(concat(new Table({ a: vectorFromArray([1]) }), new Table({ a: vectorFromArray([2]), b: vectorFromArray([3]) })))).toMatch(/^record batch 2 has 2 columns but the table's schema has 1 \(a\)/);
    expect(check(tableFromJSON([1, 2] as never))).toMatch(/^it has 2 rows but no columns/);
  });
});
