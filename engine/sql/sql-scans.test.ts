// What a SQL model's scans fetch, read from DuckDB's AST: the tables it reads (not its
// CTEs), the columns of each it can touch, the WHERE conjuncts pushed into each scan
// (only where that cannot change the answer), and a normalized form that ignores layout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../columnar/duckdb.js";
import { columnsUsed, parseSql, pushdownFilter, tableReferences } from "./analyze-sql.js";

let duck: Duck;
beforeAll(async () => { duck = await Duck.open({ threads: 1 }); });
afterAll(() => duck?.close());

const at = { cell: "m", line: 1 };
const COLUMNS = ["id", "usd", "country", "eventTime"];

/** Per table the query reads: [name, columns used, pushed filter]. */
async function scans(sql: string): Promise<Array<[string, string[], string | undefined]>> {
  const { ast } = await parseSql(duck, sql, at);
  return tableReferences(ast).map((ref) => [ref.name, columnsUsed(ast, ref, COLUMNS), pushdownFilter(ast, ref)]);
}

describe("the tables a query reads", () => {
  it("leave out its CTEs and keep schema-qualified names", async () => {
    expect(await scans("WITH big AS (SELECT id, country FROM tx WHERE usd > 100) SELECT b.id FROM big b JOIN analytics.rates r ON b.country = r.country")).toEqual([
      ["tx", ["id", "usd", "country"], undefined],
      // An unqualified name could be any table's (here the CTE's): each table with that column fetches it.
      ["analytics.rates", ["id", "usd", "country"], undefined],
    ]);
  });

  it("take a column written with a table's alias, or alone, and ignore other tables' and unknown names", async () => {
    expect(await scans("SELECT t.usd, other.eventTime, nothing FROM tx t JOIN other ON t.id = other.id")).toEqual([
      ["tx", ["id", "usd"], undefined],
      ["other", ["id", "eventTime"], undefined],
    ]);
    expect(await scans("SELECT USD FROM tx")).toEqual([["tx", ["usd"], undefined]]);
    expect(await scans("SELECT t.* FROM tx t JOIN other o ON t.id = o.id")).toEqual([["tx", COLUMNS, undefined], ["other", ["id"], undefined]]);
  });
});

describe("pushdownFilter", () => {
  it("pushes comparisons, BETWEEN, IN, NOT IN and IS [NOT] NULL with constants, flipped or not", async () => {
    const [[, , filter]] = await scans(
      "SELECT id FROM tx WHERE 5 < usd AND country IN ('DE', 'FR') AND id NOT IN (1, 2) AND eventTime BETWEEN DATE '2023-01-01' AND TIMESTAMP '2023-02-01 00:00:00' AND country IS NOT NULL AND usd IS NULL");
    expect(filter).toBe(`5 < "usd" AND "country" IN ('DE', 'FR') AND "id" NOT IN (1, 2) AND "eventTime" BETWEEN DATE '2023-01-01' AND TIMESTAMP '2023-02-01 00:00:00' AND "country" IS NOT NULL AND "usd" IS NULL`);
  });

  it("keeps in the SQL alone what is not a conjunct of one column and constants", async () => {
    expect((await scans("SELECT id FROM tx WHERE usd > 1 OR country = 'DE'"))[0]![2]).toBeUndefined();
    expect((await scans("SELECT id FROM tx WHERE usd > id AND lower(country) = 'de' AND usd > 2"))[0]![2]).toBe(`"usd" > 2`);
    // A query over a subquery, a union, or one table read twice: nothing is pushed.
    expect((await scans("SELECT id FROM (SELECT * FROM tx) s WHERE s.usd > 1"))[0]![2]).toBeUndefined();
    expect((await scans("SELECT id FROM tx WHERE usd > 1 UNION ALL SELECT id FROM tx WHERE usd < 0"))[0]![2]).toBeUndefined();
    expect((await scans("SELECT a.id FROM tx a JOIN tx b ON a.id = b.id WHERE a.usd > 1"))[0]![2]).toBeUndefined();
  });

  it("pushes to each side of an inner join only what names that side, and nothing below an outer join", async () => {
    expect(await scans("SELECT t.id FROM tx t JOIN other o ON t.id = o.id WHERE t.usd > 1 AND o.country = 'DE' AND country = 'FR'")).toEqual([
      ["tx", ["id", "usd", "country"], `"usd" > 1`],
      ["other", ["id", "country"], `"country" = 'DE'`],
    ]);
    expect((await scans("SELECT t.id FROM tx t RIGHT JOIN other o ON t.id = o.id WHERE t.usd > 1")).map(([, , f]) => f)).toEqual([undefined, undefined]);
  });
});

describe("the normalized statement", () => {
  it("is the same for the same query however it is laid out, and differs when the query does", async () => {
    const normalized = async (sql: string) => (await parseSql(duck, sql, at)).normalized;
    const a = await normalized("SELECT id, usd FROM tx WHERE usd > 1");
    expect(await normalized("select id,\n       usd\n  from tx -- the table\n where usd > 1")).toBe(a);
    expect(await normalized("SELECT id, usd FROM tx WHERE usd > 2")).not.toBe(a);
    expect(a).not.toContain("query_location");
  });
});
