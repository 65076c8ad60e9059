// Fingerprints over DAGs built from a real local lake: equal definitions give equal
// fingerprints wherever they are written, a change reaches exactly the nodes downstream
// of it, and formatting (SQL spacing, keyword case, comments; TS layout) never counts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendRows, dagOf, openTestLake, type TestLake } from "../dag/lake-for-tests.js";
import { fingerprintAll, hashOf, normalizeCode } from "./fingerprint.js";

const FIELDS = [
  { name: "id", type: "long" as const, required: true },
  { name: "usd", type: "double" as const, required: false },
  { name: "country", type: "string" as const, required: false },
];
const ROWS = "SELECT i AS id, i * 2.0 AS usd, 'FR' AS country FROM range(4) r(i)";

let lake: TestLake;
beforeAll(async () => {
  lake = await openTestLake();
  await appendRows(lake, "events", FIELDS, ROWS);
  await appendRows(lake, "people", FIELDS, ROWS);
});
afterAll(() => lake?.close());

/** Fingerprint by node key of the DAG the cells define. */
async function fingerprints(cells: Record<string, string>): Promise<Map<string, string>> {
  const built = await dagOf(lake, cells);
  expect([...built.broken.values()].map((e) => e.message)).toEqual([]);
  return new Map([...fingerprintAll(built.graph)].map(([key, parts]) => [key, parts.fingerprint]));
}

/** The keys whose fingerprints differ between two DAGs of the same keys. */
function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  return [...a.keys()].filter((key) => a.get(key) !== b.get(key)).sort();
}

/** scan events -> base (TS) -> mid (SQL) -> top (TS); people -> side (SQL), apart. */
const PIPELINE = {
  base: `model("base", { e: Model("events", { columns: ["id", "usd"] }) }, ({ e }) => e)`,
  mid: "%%sql mid\nSELECT id, usd * 2 AS twice FROM base WHERE usd > 1",
  top: `model("top", { m: Model("mid") }, ({ m }) => m, { timeoutMs: 5000 })`,
  side: "%%sql side\nSELECT country, count(*) AS n FROM people GROUP BY country",
};

describe("fingerprints", () => {
  it("differ for two models of one code over the same inputs: each is its own node of a plan", async () => {
    const fp = await fingerprints({
      a: `model("copy_a", { e: Model("events") }, ({ e }) => e)`,
      b: `model("copy_b", { e: Model("events") }, ({ e }) => e)`,
      c: "%%sql sum_a\nSELECT sum(usd) AS s FROM events",
      d: "%%sql sum_b\nSELECT sum(usd) AS s FROM events",
    });
    expect(fp.get("model:copy_a")).not.toBe(fp.get("model:copy_b"));
    expect(fp.get("model:sum_a")).not.toBe(fp.get("model:sum_b"));
    expect(new Set(fp.values()).size).toBe(fp.size);
  });

  it("are equal for equal definitions, whichever cells and lines hold them", async () => {
    const a = await fingerprints(PIPELINE);
    const moved = await fingerprints({
      everything: `\n\n${PIPELINE.top}\n${PIPELINE.base}`,
      one: PIPELINE.side,
      two: PIPELINE.mid,
    });
    expect(changed(a, moved)).toEqual([]);
    expect(new Set(a.values()).size).toBe(a.size);
    for (const fp of a.values()) expect(fp).toMatch(/^[0-9a-f]{16}$/);
  });

  it("change for a node whose code changes and for every node downstream of it, and no other", async () => {
    const a = await fingerprints(PIPELINE);
    const b = await fingerprints({ ...PIPELINE, base: `model("base", { e: Model("events", { columns: ["id", "usd"] }) }, ({ e }) => e.slice(0, 2))` });
    expect(changed(a, b)).toEqual(["model:base", "model:mid", "model:top"]);
    const c = await fingerprints({ ...PIPELINE, mid: "%%sql mid\nSELECT id, usd * 3 AS twice FROM base WHERE usd > 1" });
    expect(changed(a, c)).toEqual(["model:mid", "model:top"]);
  });

  it("change with a TS model's run options but not with where its output is materialized", async () => {
    const a = await fingerprints(PIPELINE);
    const slower = await fingerprints({ ...PIPELINE, top: PIPELINE.top.replace("timeoutMs: 5000", "timeoutMs: 9000") });
    expect(changed(a, slower)).toEqual(["model:top"]);
    const written = await fingerprints({ ...PIPELINE, top: PIPELINE.top.replace("timeoutMs: 5000", "timeoutMs: 5000, materialize: true"), side: PIPELINE.side.replace("%%sql side", "%%sql side --materialize=side_table") });
    expect(changed(a, written)).toEqual([]);
  });

  it("ignore SQL spacing, keyword case and comments, but not what the query says", async () => {
    const a = await fingerprints(PIPELINE);
    const formatted = await fingerprints({ ...PIPELINE, mid: "%%sql mid\n-- doubled\nselect   id,\n       usd * 2 as twice\n  from base /* the base */\n where usd > 1;" });
    expect(changed(a, formatted)).toEqual([]);
    const other = await fingerprints({ ...PIPELINE, mid: "%%sql mid\nSELECT id, usd * 2 AS twice FROM base WHERE usd >= 1" });
    expect(changed(a, other)).toEqual(["model:mid", "model:top"]);
  });

  it("ignore a TS function's layout and comments", async () => {
    const a = await fingerprints(PIPELINE);
    const laidOut = await fingerprints({
      ...PIPELINE,
      base: `model("base", {\n  e: Model("events", { columns: ["id", "usd"] }), // the input\n},\n  /* the function */ ({ e }) =>\n    e\n)`,
    });
    expect(changed(a, laidOut)).toEqual([]);
    // Spacing, indentation, line breaks, comments and optional semicolons.
    expect(normalizeCode("(a)   =>   {\n        /* x */ return a+1   // one more\n}")).toBe(normalizeCode("(a) => {\n  return a + 1;\n}"));
    expect(normalizeCode("() => { return [{ x: 1 }]; }")).toBe(normalizeCode("() => {\n  return [{\n    x: 1,\n  }];\n}"));
    expect(normalizeCode("(a) => a + 1")).not.toBe(normalizeCode("(a) => a + 2"));
    // What a string, a template or a regular expression holds is code, spaces and all.
    expect(normalizeCode("() => `a  ${1 + 1}  b`")).not.toBe(normalizeCode("() => `a ${1 + 1} b`"));
    expect(normalizeCode("() => `a  ${ {x: 1}.x }  b`")).toBe(normalizeCode("() => `a  ${{ x: 1 }.x}  b`"));
    expect(normalizeCode("(s) => s.split(/a  b/)")).not.toBe(normalizeCode("(s) => s.split(/a b/)"));
    expect(normalizeCode("(a, b) => a / b / 2")).toBe(normalizeCode("(a,b)=>a/b/2"));
  });

  it("of a scan follow its table's identity, snapshot, columns and canonical filter", async () => {
    const scans = {
      a: `model("a", { e: Model("people", { columns: ["id", "usd"], filter: "usd > 2 AND country = 'FR'" }) }, ({ e }) => e)`,
      b: "%%sql b\nSELECT id, count(*) AS n FROM events GROUP BY id",
    };
    const before = await fingerprints(scans);
    const respelled = await fingerprints({ ...scans, a: scans.a.replace(`"usd > 2 AND country = 'FR'"`, `"USD>2.0 and Country='FR'"`) });
    expect(changed(before, respelled)).toEqual([]);
    // A new snapshot of people: its scan and its reader change; events' do not.
    await appendRows(lake, "people", FIELDS, ROWS);
    const appended = await fingerprints(scans);
    const peopleScan = `scan:default.people|id,usd|"usd" > 2 AND "country" = 'FR'`;
    expect(changed(before, appended)).toEqual(["model:a", peopleScan]);
    // events dropped and made again under its name, with the same rows: another table.
    await lake.catalog.dropTable("events");
    await appendRows(lake, "events", FIELDS, ROWS);
    const remade = await fingerprints(scans);
    expect(changed(appended, remade)).toEqual(["model:b", "scan:default.events|id|"]);
  });
});

describe("hashOf", () => {
  it("hashes bigints by value and tells them from numbers", () => {
    expect(hashOf({ id: 2n ** 64n })).toBe(hashOf({ id: 18446744073709551616n }));
    expect(hashOf({ id: 1n })).not.toBe(hashOf({ id: 1 }));
    expect(hashOf({ a: 1, b: 2 })).not.toBe(hashOf({ a: 2, b: 1 }));
  });
});
