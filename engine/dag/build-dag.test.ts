// Building the DAG straight from definitions over a real local lake (no worker, no
// Session): inputs resolve to models before tables, every definition error names what
// exists and points at the right line, a broken model and its readers are set apart
// while the others plan, and SQL scans are pruned, filtered and pinned as planned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Table } from "../../lake/iceberg/table.js";
import type { DefinitionError } from "../model/definition.js";
import type { BuiltDag } from "./build-dag.js";
import type { ScanNode } from "./graph.js";
import { appendRows, dagOf, openTestLake, type TestLake } from "./lake-for-tests.js";

const EVENT_FIELDS = [
  { name: "id", type: "long" as const, required: true },
  { name: "usd", type: "double" as const, required: false },
  { name: "country", type: "string" as const, required: false },
  { name: "eventTime", type: "timestamp" as const, required: false },
];
const EVENT_ROWS = "SELECT i AS id, i * 1.5 AS usd, 'IT' AS country, TIMESTAMP '2023-01-01' + INTERVAL (i) DAY AS eventTime";

let lake: TestLake;
let events: Table;
/** events' first snapshot (tagged "launch", before the column "note" was added) and its current one. */
let first: number;
let second: number;

beforeAll(async () => {
  lake = await openTestLake();
  const before = await appendRows(lake, "events", EVENT_FIELDS, `${EVENT_ROWS} FROM range(3) r(i)`);
  first = before.currentSnapshot()!["snapshot-id"];
  // A tag on the first snapshot, then a column added to the schema (the next snapshot is written with it).
  await before.commitMetadata(async (base) => ({
    ...base.metadata,
    refs: { ...base.metadata.refs, launch: { "snapshot-id": first, type: "tag" } },
    schemas: [...base.metadata.schemas, { "schema-id": 1, type: "struct", fields: [...base.schema().fields, { id: 5, name: "note", type: "string", required: false }] }],
    "current-schema-id": 1,
    "last-column-id": 5,
  }));
  events = await appendRows(lake, "events", [], `${EVENT_ROWS}, 'x' AS note FROM range(3, 5) r(i)`);
  second = events.currentSnapshot()!["snapshot-id"];
  await appendRows(lake, "people", [{ name: "id", type: "long", required: true }, { name: "name", type: "string", required: false }], "SELECT 1 AS id, 'ada' AS name");
  await lake.catalog.createTable("later", [{ name: "id", type: "long", required: true }]);
  await appendRows(lake, "sales.orders", [{ name: "id", type: "long", required: true }, { name: "amount", type: "double", required: false }], "SELECT 1 AS id, 10.0 AS amount");
});
afterAll(() => lake?.close());

const build = (cells: Record<string, string>) => dagOf(lake, cells);

/** The scan node a model reads as its input `input`. */
function scanOf(built: BuiltDag, model: string, input: string): ScanNode {
  const node = built.graph.get(built.graph.model(model)!.inputs[input]!);
  if (node.kind !== "scan") throw new Error(`${model}.${input} reads ${node.key}, not a scan`);
  return node;
}

function brokenError(built: BuiltDag, model: string): DefinitionError {
  const error = built.broken.get(model);
  if (!error) throw new Error(`model ${model} is not broken; broken: ${[...built.broken.keys()].join(", ")}`);
  return error;
}

describe("resolving inputs", () => {
  it("reads a model before a lake table of the same name", async () => {
    const built = await build({
      c1: `model("people", { e: Model("events", { columns: ["id"] }) }, ({ e }) => e)`,
      c2: `model("greeting", { p: Model("people") }, ({ p }) => p)`,
      c3: "%%sql roster\nSELECT id FROM people",
      c4: `model("chained", { g: Model("greeting") }, ({ g }) => g)`,
    });
    expect(built.broken.size).toBe(0);
    expect(built.graph.model("greeting")!.inputs).toEqual({ p: "model:people" });
    expect(built.graph.model("roster")!.inputs).toEqual({ people: "model:people" });
    expect(built.graph.model("chained")!.inputs).toEqual({ g: "model:greeting" });
    // The table people is never scanned; the model people scans events.
    expect([...built.graph.nodes.values()].filter((n) => n.kind === "scan").map((n) => n.key)).toEqual(["scan:default.events|id|"]);
  });

  it("takes a model reading the table of its own name for a model reading itself: a cycle", async () => {
    const built = await build({
      c1: `model("people", { p: Model("people") }, ({ p }) => p)`,
      c2: "%%sql roster\nSELECT name FROM people",
    });
    expect(brokenError(built, "people").message).toBe("c1:1: models read each other in a cycle: people -> people");
    expect(brokenError(built, "roster").message).toBe(`c2:2: model "roster" reads model "people", whose definition fails (c1:1)`);
  });

  it("names what exists when a table is unknown, with the nearest name", async () => {
    const built = await build({
      c1: `model("ok", { e: Model("events") }, ({ e }) => e)`,
      c2: `\n\nmodel("typo", { e: Model("evnts") }, ({ e }) => e)`,
      c3: "%%sql sql_typo\nSELECT id FROM peple",
    });
    const typo = brokenError(built, "typo");
    expect(typo.code).toBe("MISSING_INPUT");
    expect(typo.at).toEqual({ cell: "c2", line: 3 });
    expect(typo.message).toBe(`c2:3: model "typo" reads "evnts", which is neither a model nor a lake table (did you mean "events"?); ` +
      `known: ok, sql_typo, events, later, people, sales.orders; the lake is ${lake.store.root}`);
    const sqlTypo = brokenError(built, "sql_typo");
    expect(sqlTypo.message).toMatch(/^c3:2: model "sql_typo" reads "peple", which is neither a model nor a lake table \(did you mean "people"\?\); known: ok, typo, events, later, people, sales\.orders;/);
    expect(built.graph.model("ok")).toBeDefined();
  });

  it("names the table's columns when a column is unknown", async () => {
    const built = await build({ c1: `model("m", { e: Model("events", { columns: ["id", "cuntry"] }) }, ({ e }) => e)` });
    const error = brokenError(built, "m");
    expect(error.code).toBe("UNKNOWN_COLUMN");
    expect(error.message).toBe(`c1:1: model "m" asks for column "cuntry" of table default.events, which has no such column (did you mean "country"?); columns: id, usd, country, eventTime, note`);
  });

  it("refuses columns or a filter on a model input, and time travel on a model in SQL", async () => {
    const built = await build({
      c1: `model("base", { e: Model("events") }, ({ e }) => e)`,
      c2: `model("narrowed", { b: Model("base", { columns: ["id"] }) }, ({ b }) => b)`,
      c3: `%%sql pinned\nSELECT * FROM base AT (VERSION => ${first})`,
    });
    expect(brokenError(built, "narrowed").code).toBe("FILTER_ON_MODEL");
    expect(brokenError(built, "pinned")).toMatchObject({ code: "SQL_TIME_TRAVEL", at: { cell: "c3", line: 2 } });
    expect(brokenError(built, "pinned").message).toContain(`model "pinned" reads model "base" AT (...): time travel applies to lake tables`);
  });
});

describe("bad definitions are set apart", () => {
  it("points a bad filter at the filter's own line", async () => {
    const built = await build({
      cell: [
        `model("m", {`,
        `  e: Model("events", {`,
        `    columns: ["id", "usd"],`,
        `    filter: "usd > 'lots'",`,
        `  }),`,
        `}, ({ e }) => e)`,
        `model("n", { e: Model("events", { filter: "contry = 'IT'" }) }, ({ e }) => e)`,
      ].join("\n"),
    });
    const typed = brokenError(built, "m");
    expect(typed.code).toBe("FILTER_TYPE");
    expect(typed.at).toEqual({ cell: "cell", line: 4 });
    expect(typed.message).toMatch(/^cell:4: bad filter in model "m": cannot compare double column "usd" with 'lots'/);
    const unknown = brokenError(built, "n");
    expect(unknown.code).toBe("FILTER_UNKNOWN_COLUMN");
    expect(unknown.at).toEqual({ cell: "cell", line: 7 });
    expect(unknown.message).toContain(`unknown column "contry" in filter (did you mean "country"?)`);
  });

  it("sets apart a broken model and every model reading it, directly or not; the others still plan", async () => {
    const built = await build({
      bad: `model("bad", { e: Model("events", { columns: ["nope"] }) }, ({ e }) => e)`,
      reader: `model("reader", { b: Model("bad") }, ({ b }) => b)`,
      sqlReader: "%%sql far\nSELECT * FROM reader",
      fine: `model("fine", { e: Model("events") }, ({ e }) => e)`,
      fineSql: "%%sql fine_sql\nSELECT id FROM fine",
    });
    expect([...built.broken.keys()]).toEqual(["bad", "reader", "far"]);
    expect(brokenError(built, "reader")).toMatchObject({ code: "INPUT_BROKEN", at: { cell: "reader", line: 1 } });
    expect(brokenError(built, "reader").message).toBe(`reader:1: model "reader" reads model "bad", whose definition fails (bad:1)`);
    expect(brokenError(built, "far").message).toBe(`sqlReader:2: model "far" reads model "reader", whose definition fails (reader:1)`);
    expect([...built.graph.nodes.values()].filter((n) => n.kind !== "scan").map((n) => n.name)).toEqual(["fine", "fine_sql"]);
    // The broken model's scans stay out of the graph too.
    expect([...built.graph.nodes.values()].filter((n) => n.kind === "scan").map((n) => n.name)).toEqual(["events[id, usd, country, eventTime, note]"]);
  });

  it("reports a cycle with its path, sets apart the models downstream of it, and plans the rest", async () => {
    const built = await build({
      a: "%%sql a\nSELECT * FROM b",
      b: `model("b", { a: Model("a"), e: Model("events") }, ({ a }) => a)`,
      c: "%%sql c\nSELECT * FROM a",
      d: "%%sql d\nSELECT id FROM events",
    });
    const cycle = brokenError(built, "a");
    expect(cycle.code).toBe("CYCLE");
    expect(cycle.message).toBe("a:2: models read each other in a cycle: a -> b -> a");
    expect(built.broken.get("b")).toBe(cycle);
    expect(brokenError(built, "c").code).toBe("INPUT_BROKEN");
    expect(built.graph.model("d")).toBeDefined();
    expect(built.graph.findCycle()).toBeUndefined();
  });

  it("refuses a model defined twice, naming both places, and plans neither", async () => {
    const built = await build({
      one: `model("twice", { e: Model("events") }, ({ e }) => e)`,
      two: `\nmodel("twice", { p: Model("people") }, ({ p }) => p)`,
      other: "%%sql other\nSELECT id FROM people",
    });
    const error = brokenError(built, "twice");
    expect(error).toMatchObject({ code: "DUPLICATE_MODEL", at: { cell: "two", line: 2 } });
    expect(error.message).toBe(`two:2: model "twice" is defined twice: here and at one:1`);
    expect(built.graph.model("twice")).toBeUndefined();
    expect(built.graph.model("other")).toBeDefined();
  });

  it("points a SQL syntax error at its line in the cell", async () => {
    const built = await build({ q: "%%sql q\nSELECT id\nFROM events\nWHERE id = = 1" });
    expect(brokenError(built, "q")).toMatchObject({ code: "SQL_SYNTAX", at: { cell: "q", line: 4 } });
  });

  it("refuses materializing onto a table the model reads, directly or upstream, unless it is meant", async () => {
    const built = await build({
      direct: `model("direct", { e: Model("events") }, ({ e }) => e, { materialize: "events" })`,
      base: "%%sql base\nSELECT id FROM people",
      through: "%%sql through --materialize=people\nSELECT * FROM base",
      meant: "%%sql meant --materialize=people --overwrite-input\nSELECT * FROM base",
      elsewhere: "%%sql elsewhere --materialize\nSELECT * FROM base",
    });
    expect(brokenError(built, "direct").message).toMatch(/^direct:1: model "direct" would materialize onto table events, which it reads: every run would replace/);
    expect(brokenError(built, "through").message).toMatch(/^through:2: model "through" would materialize onto table people, which it reads through model "base":/);
    expect([...built.broken.keys()].sort()).toEqual(["direct", "through"]);
    expect(built.graph.model("meant")).toBeDefined();
    expect(built.graph.model("elsewhere")).toBeDefined();
  });
});

describe("SQL scans", () => {
  it("fetch only the columns the query uses, in the table's order; one column for count(*), all for *", async () => {
    const built = await build({
      some: "%%sql some\nSELECT country, sum(usd) AS total FROM events GROUP BY country ORDER BY country",
      count: "%%sql counted\nSELECT count(*) AS n FROM events",
      star: "%%sql star\nSELECT * FROM people",
      joined: "%%sql joined\nSELECT e.id, p.name FROM events e JOIN people p ON e.id = p.id",
    });
    expect(scanOf(built, "some", "events").columns).toEqual(["usd", "country"]);
    expect(scanOf(built, "counted", "events").columns).toEqual(["id"]);
    expect(scanOf(built, "star", "people").columns).toEqual(["id", "name"]);
    expect(scanOf(built, "joined", "events").columns).toEqual(["id"]);
    expect(scanOf(built, "joined", "people").columns).toEqual(["id", "name"]);
  });

  it("push WHERE conjuncts on one table's columns into its scan, as canonical text", async () => {
    const built = await build({
      plain: "%%sql plain\nSELECT id FROM events WHERE country = 'IT' AND usd > 2 AND usd < id",
      inner: "%%sql inner\nSELECT e.id FROM events e JOIN people p ON e.id = p.id WHERE e.usd >= 1.5 AND p.name = 'ada'",
      left: "%%sql left_join\nSELECT e.id FROM events e LEFT JOIN people p ON e.id = p.id WHERE e.usd >= 1.5",
      mistyped: "%%sql mistyped\nSELECT id FROM events WHERE id = 'x'",
    });
    const plain = scanOf(built, "plain", "events");
    // usd < id compares two columns: it stays in the SQL alone.
    expect(plain.key).toBe(`scan:default.events|id,usd,country|"country" = 'IT' AND "usd" > 2`);
    expect(scanOf(built, "inner", "events").key).toBe(`scan:default.events|id,usd|"usd" >= 1.5`);
    expect(scanOf(built, "inner", "people").key).toBe(`scan:default.people|id,name|"name" = 'ada'`);
    // Below a LEFT JOIN a pushed filter could change the answer: nothing is pushed.
    expect(scanOf(built, "left_join", "events").filter).toBeNull();
    // A predicate the filter grammar cannot type stays in the SQL alone.
    expect(scanOf(built, "mistyped", "events").filter).toBeNull();
  });

  it("make one scan of one filter however it is spelled, in TypeScript or pushed from SQL", async () => {
    const built = await build({
      a: `model("a", { e: Model("events", { columns: ["id", "usd", "eventTime"], filter: "usd > 1.5 AND eventTime < '2023-01-03'" }) }, ({ e }) => e)`,
      b: `model("b", { e: Model("events", { columns: ["id", "usd", "eventTime"], filter: "  USD>1.5   and eventtime < TIMESTAMP '2023-01-03 00:00:00' " }) }, ({ e }) => e)`,
      c: "%%sql c\nSELECT id, usd, eventTime FROM events WHERE usd > 1.5 AND eventTime < TIMESTAMP '2023-01-03'",
      d: `model("d", { e: Model("events", { columns: ["id", "usd", "eventTime"], filter: "usd > 2" }) }, ({ e }) => e)`,
    });
    const key = `scan:default.events|id,usd,eventTime|"usd" > 1.5 AND "eventTime" < TIMESTAMP '2023-01-03 00:00:00.000'`;
    expect(scanOf(built, "a", "e").key).toBe(key);
    expect(scanOf(built, "b", "e").key).toBe(key);
    expect(scanOf(built, "c", "events").key).toBe(key);
    expect(scanOf(built, "d", "e").key).not.toBe(key);
    expect([...built.graph.nodes.values()].filter((n) => n.kind === "scan")).toHaveLength(2);
  });
});

describe("time travel", () => {
  it("pins TypeScript inputs to a snapshot id, an instant or a tag, each its own scan", async () => {
    const between = new Date(events.snapshotById(first)["timestamp-ms"]).toISOString();
    const built = await build({
      c: [
        `model("by_id", { e: Model("events", { snapshot: ${first} }) }, ({ e }) => e)`,
        `model("as_of", { e: Model("events", { asOf: "${between}" }) }, ({ e }) => e)`,
        `model("by_tag", { e: Model("events", { ref: "launch" }) }, ({ e }) => e)`,
        `model("now", { e: Model("events") }, ({ e }) => e)`,
        `model("now_pinned", { e: Model("events", { snapshot: ${second} }) }, ({ e }) => e)`,
      ].join("\n"),
    });
    for (const model of ["by_id", "as_of", "by_tag"]) {
      const scan = scanOf(built, model, "e");
      expect(scan.snapshotId).toBe(first);
      // Read with the schema of that snapshot: no "note" yet.
      expect(scan.columns).toEqual(["id", "usd", "country", "eventTime"]);
      expect(scan.key).toBe(`scan:default.events@${first}|id,usd,country,eventTime|`);
      expect(scan.name).toBe(`events@${first}[id, usd, country, eventTime]`);
    }
    expect(scanOf(built, "now", "e")).toMatchObject({ snapshotId: second, key: "scan:default.events|id,usd,country,eventTime,note|" });
    // Pinned explicitly, even to the current snapshot, a scan is its own node.
    expect(scanOf(built, "now_pinned", "e").key).toBe(`scan:default.events@${second}|id,usd,country,eventTime,note|`);
  });

  it("checks columns against the pinned snapshot's schema and refuses a pin that names nothing", async () => {
    const built = await build({
      c: [
        `model("old_note", { e: Model("events", { snapshot: ${first}, columns: ["note"] }) }, ({ e }) => e)`,
        `model("new_note", { e: Model("events", { columns: ["note"] }) }, ({ e }) => e)`,
        `model("no_such", { e: Model("events", { snapshot: 42 }) }, ({ e }) => e)`,
        `model("too_early", { e: Model("events", { asOf: "2001-01-01T00:00:00Z" }) }, ({ e }) => e)`,
        `model("no_tag", { e: Model("events", { ref: "lunch" }) }, ({ e }) => e)`,
      ].join("\n"),
    });
    expect(brokenError(built, "old_note").code).toBe("UNKNOWN_COLUMN");
    expect(built.graph.model("new_note")).toBeDefined();
    expect(brokenError(built, "no_such")).toMatchObject({ code: "SNAPSHOT_NOT_FOUND", at: { cell: "c", line: 3 } });
    expect(brokenError(built, "no_such").message).toBe(`c:3: model "no_such": table 'default.events' has no snapshot with id 42; snapshots: ${first}, ${second}`);
    expect(brokenError(built, "too_early").message).toMatch(/has no snapshot as of 2001-01-01T00:00:00.000Z \(its first snapshot is from /);
    expect(brokenError(built, "no_tag").message).toContain(`has no snapshot at branch or tag 'lunch' (it has 'main', 'launch')`);
  });

  it("reads SQL AT clauses as pinned inputs named table@snapshot, the query reading that name", async () => {
    const built = await build({
      two: `%%sql added\nSELECT now.id FROM events now LEFT JOIN events AS old AT (VERSION => ${first}) ON now.id = old.id WHERE old.id IS NULL`,
      tag: "%%sql tagged\nSELECT id FROM events AT (VERSION => 'launch')",
    });
    const added = built.graph.model("added")!;
    expect(Object.keys(added.inputs).sort()).toEqual(["events", `events@${first}`]);
    expect(built.graph.get(added.inputs[`events@${first}`]!)).toMatchObject({ kind: "scan", snapshotId: first, columns: ["id"] });
    expect(built.graph.get(added.inputs.events!)).toMatchObject({ kind: "scan", snapshotId: second, columns: ["id"] });
    expect(added.kind === "sql" && added.query).toBe(`SELECT now.id FROM events now LEFT JOIN "events@${first}" AS "old" ON now.id = old.id WHERE old.id IS NULL`);
    const tagged = built.graph.model("tagged")!;
    expect(tagged.inputs).toEqual({ [`events@${first}`]: `scan:default.events@${first}|id|` });
    expect(tagged.kind === "sql" && tagged.query).toBe(`SELECT id FROM "events@${first}" AS "events"`);
  });

  it("reads a table of another namespace under one quoted name, aliased by its own name", async () => {
    const built = await build({ c: "%%sql big\nSELECT o.id, orders.amount FROM sales.orders o JOIN sales.orders ON orders.id = o.id WHERE o.amount > 5" });
    const big = built.graph.model("big")!;
    expect(Object.keys(big.inputs)).toEqual(["sales.orders"]);
    expect(scanOf(built, "big", "sales.orders")).toMatchObject({ table: "sales.orders", columns: ["id", "amount"] });
    expect(big.kind === "sql" && big.query).toBe(`SELECT o.id, orders.amount FROM "sales.orders" AS "o" JOIN "sales.orders" AS "orders" ON orders.id = o.id WHERE o.amount > 5`);
  });

  it("reads an empty table at no snapshot", async () => {
    const built = await build({ c: "%%sql none\nSELECT id FROM later" });
    expect(scanOf(built, "none", "later")).toMatchObject({ snapshotId: null, table: "default.later", columns: ["id"] });
  });
});
