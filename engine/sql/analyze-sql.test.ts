// Reading SQL models with DuckDB's parser: constants pushed into scan filters keep
// every digit, and errors name the right line and say what is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../columnar/duckdb.js";
import { parseSqlCell } from "../cells/sql-cell.js";
import { parseSql, pushdownFilter, tableReferences } from "./analyze-sql.js";
import { parseJsonExact } from "./parse-json-exact.js";

let duck: Duck;
beforeAll(async () => { duck = await Duck.open(); });
afterAll(() => duck?.close());

const at = { cell: "m.sql", line: 1 };
const pushed = async (sql: string) => {
  const parsed = await parseSql(duck, sql, at);
  return pushdownFilter(parsed.ast, tableReferences(parsed.ast)[0]!);
};

describe("pushdownFilter", () => {
  it("keeps 64-bit integer constants exact, alone and in IN lists", async () => {
    expect(await pushed("SELECT * FROM t WHERE id = 1234567890123456789")).toBe(`"id" = 1234567890123456789`);
    expect(await pushed("SELECT * FROM t WHERE id IN (1234567890123456789, -9223372036854775808, 5)"))
      .toBe(`"id" IN (1234567890123456789, -9223372036854775808, 5)`);
  });

  it("renders decimal constants as their value, not DuckDB's unscaled integer", async () => {
    expect(await pushed("SELECT * FROM t WHERE usd > 1.25 AND usd < 12345678901234567.125 AND d = -0.05"))
      .toBe(`"usd" > 1.25 AND "usd" < 12345678901234567.125 AND "d" = -0.05`);
  });

  it("keeps 128-bit integers exact and leaves Infinity in the SQL alone", async () => {
    expect(await pushed("SELECT * FROM t WHERE x < 1e400 AND y = 123456789012345678901234567890 AND z = -170141183460469231731687303715884105728"))
      .toBe(`"y" = 123456789012345678901234567890 AND "z" = -170141183460469231731687303715884105728`);
  });
});

describe("parseJsonExact", () => {
  it("keeps unsafe integers as strings and leaves strings alone", () => {
    expect(parseJsonExact(`{"a":9007199254740993,"b":"x:9007199254740993 \\" NaN","c":1.5,"d":-Infinity,"e":[1,NaN]}`))
      .toEqual({ a: "9007199254740993", b: `x:9007199254740993 " NaN`, c: 1.5, d: "-Infinity", e: [1, "NaN"] });
  });
});

describe("SQL errors", () => {
  it("names the statement a model may not be", async () => {
    for (const [sql, verb] of [["DROP TABLE t", "DROP"], ["COPY t TO 'x.csv'", "COPY"], ["insert into t values (1)", "INSERT"]] as const) {
      const err = await parseSql(duck, sql, at).catch((e: Error & { code?: string }) => e);
      expect(err).toMatchObject({ code: "SQL_NOT_SELECT", message: `m.sql:1: a SQL model is one SELECT query, not a ${verb} statement` });
    }
  });

  it("points at the line of a syntax error within the SQL", async () => {
    await expect(parseSql(duck, "SELECT 1\nFROM t\nWHERE x = = 2", { cell: "m.sql", line: 4 })).rejects.toThrow(/^m\.sql:6: SQL does not parse/);
  });

  it("locates a cell's SQL on the user's lines, also under a header the caller added", () => {
    expect(parseSqlCell("cell", "%%sql a\nSELECT 1").at).toEqual({ cell: "cell", line: 2 });
    expect(parseSqlCell("cell", "\n%%sql a\n\n  SELECT 1").at).toEqual({ cell: "cell", line: 4 });
    expect(parseSqlCell("one.sql", "%%sql one\nSELECT 1", 1).at).toEqual({ cell: "one.sql", line: 1 });
  });
});
