// Time travel in SQL read with DuckDB's own parser: what an AT clause pins (a snapshot
// id, a branch or tag, an instant), clear refusals of what it cannot, the query
// rewritten to read a pinned input by its name under the same alias, and the AT
// clause `lakeloop query --snapshot/--as-of` adds to every table without one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../columnar/duckdb.js";
import { parseSql, tableReferences } from "./analyze-sql.js";
import { pinnedInputName, pinOfTableRef, pinQueryTables, rewriteTableRefs, tableRefSpan } from "./time-travel.js";

let duck: Duck;
beforeAll(async () => { duck = await Duck.open({ threads: 1 }); });
afterAll(() => duck?.close());

const at = { cell: "q", line: 3 };

/** The table references of a query, with their BASE_TABLE nodes. */
async function refsOf(sql: string) {
  return tableReferences((await parseSql(duck, sql, at)).ast);
}

async function pinOf(sql: string) {
  const [ref] = await refsOf(sql);
  return pinOfTableRef(ref!.nodes[0]!, at);
}

describe("pinOfTableRef", () => {
  it("reads a snapshot id (also beyond 2^53), a branch or tag, and an instant", async () => {
    expect(await pinOf("SELECT * FROM t AT (VERSION => 7505300640432048841)")).toEqual({ snapshot: "7505300640432048841" });
    expect(await pinOf("SELECT * FROM t AT (VERSION => 42)")).toEqual({ snapshot: "42" });
    expect(await pinOf("SELECT * FROM t AT (VERSION => 'nightly')")).toEqual({ ref: "nightly" });
    // A quoted number is a ref's name, not a snapshot id.
    expect(await pinOf("SELECT * FROM t AT (VERSION => '42')")).toEqual({ ref: "42" });
    expect(await pinOf("SELECT * FROM t AT (TIMESTAMP => '2023-06-01 12:00:00+02')")).toEqual({ asOf: "2023-06-01T10:00:00.000Z" });
    expect(await pinOf("SELECT * FROM t")).toBeUndefined();
  });

  it("refuses what is not a constant, not an instant, or not a kind of time travel it reads", async () => {
    await expect(pinOf("SELECT * FROM t AT (VERSION => 1 + 2)")).rejects.toThrow("q:3: AT (VERSION => ...) on table t needs a constant: a snapshot id, a branch or tag name, or a timestamp");
    await expect(pinOf("SELECT * FROM t AT (TIMESTAMP => 'yesterday')")).rejects.toThrow("q:3: AT (TIMESTAMP => 'yesterday') on table t is not an instant; write e.g. '2023-06-01T00:00:00Z'");
    // DuckDB's parser takes only VERSION and TIMESTAMP today; another unit is refused should it ever pass.
    const [ref] = await refsOf("SELECT * FROM t AT (VERSION => 1)");
    const node = ref!.nodes[0]!;
    const other = { ...node, at_clause: { ...(node.at_clause as object), unit: "stream" } };
    expect(() => pinOfTableRef(other, at)).toThrow("q:3: AT (STREAM => ...) is not a time travel lakeloop reads; use AT (VERSION => snapshot id or 'branch-or-tag') or AT (TIMESTAMP => '...')");
  });
});

describe("rewriteTableRefs", () => {
  it("reads each pinned reference by its input name under its alias, leaving the rest of the query alone", async () => {
    const sql = "SELECT now.id FROM events now\nLEFT JOIN events AS old AT (VERSION => 7) ON now.id = old.id\nWHERE old.id IS NULL";
    const refs = await refsOf(sql);
    expect(refs.map((r) => [r.name, [...r.aliases], r.atClause ? "pinned" : "current"])).toEqual([["events", ["now"], "current"], ["events", ["old"], "pinned"]]);
    const pinned = refs[1]!;
    const renames = new Map(pinned.nodes.map((n) => [n, pinnedInputName("events", 7)]));
    expect(rewriteTableRefs(sql, renames)).toBe(`SELECT now.id FROM events now\nLEFT JOIN "events@7" AS "old" ON now.id = old.id\nWHERE old.id IS NULL`);
  });

  it("keeps the table's own name as the alias when it has none, across comments and after multi-byte text", async () => {
    const sql = "SELECT 'é€' AS x, id FROM events /* pinned */ AT (VERSION => 'launch') WHERE id > 1";
    const [ref] = await refsOf(sql);
    expect(rewriteTableRefs(sql, new Map([[ref!.nodes[0]!, pinnedInputName("events", null)]]))).toBe(`SELECT 'é€' AS x, id FROM "events@empty" AS "events" WHERE id > 1`);
  });

  it("finds a reference's span from its name through its alias and AT clause", async () => {
    const sql = `SELECT * FROM "my table" t AT (VERSION => 'a''b(')`;
    const [ref] = await refsOf(sql);
    const span = tableRefSpan(sql, ref!.nodes[0]!);
    expect(sql.slice(span.start, span.afterAlias)).toBe(`"my table" t`);
    expect(sql.slice(span.start, span.end)).toBe(`"my table" t AT (VERSION => 'a''b(')`);
  });
});

describe("pinQueryTables", () => {
  it("adds an AT clause to every table without one, after its alias, and parses again", async () => {
    const sql = "SELECT a.id FROM events a JOIN people AS p ON a.id = p.id JOIN events AS old AT (VERSION => 1) ON old.id = a.id";
    const pinned = await pinQueryTables(duck, sql, { snapshot: "99" });
    expect(pinned).toBe("SELECT a.id FROM events a AT (VERSION => 99) JOIN people AS p AT (VERSION => 99) ON a.id = p.id JOIN events AS old AT (VERSION => 1) ON old.id = a.id");
    const refs = await refsOf(pinned);
    expect(refs.map((r) => pinOfTableRef(r.nodes[0]!, at))).toEqual([{ snapshot: "99" }, { snapshot: "99" }, { snapshot: "1" }]);
    expect(await pinQueryTables(duck, "SELECT * FROM events", { asOf: "2023-06-01T00:00:00.000Z" })).toBe("SELECT * FROM events AT (TIMESTAMP => '2023-06-01T00:00:00.000Z')");
  });
});
