// Time travel, end to end: a lake table with two snapshots (and a tag on the first)
// read by TypeScript models at a snapshot id, an instant and a tag; by SQL models with
// DuckDB's AT clause (a snapshot, a tag, an instant, and one table at two snapshots in
// one query); and by `lakeloop query --snapshot/--as-of`. Pins that name nothing are
// definition errors pointing at the model.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../cli/main.js";
import { Session } from "../engine/session.js";
import { importFile } from "../lake/ingest/import-file.js";
import { openStore } from "../lake/store/open-store.js";
import type { ObjectStore } from "../lake/store/object-store.js";
import { openCatalog } from "../lake/open-catalog.js";

let dir: string;
let env: NodeJS.ProcessEnv;
let store: ObjectStore;
let first: number;
let second: number;
let between: string;
let session: Session;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-travel-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  store = await openStore(env.LAKELOOP_LAKE!, env);
  const catalog = await openCatalog(store);
  await writeFile(path.join(dir, "a.csv"), "id,label\n1,one\n2,two\n3,three\n");
  await writeFile(path.join(dir, "b.csv"), "id,label\n4,four\n5,five\n");
  let table = (await importFile(catalog, "events", path.join(dir, "a.csv"), { mode: "create" })).table;
  first = table.currentSnapshot()!["snapshot-id"];
  between = new Date(table.currentSnapshot()!["timestamp-ms"] + 1).toISOString();
  await new Promise((r) => setTimeout(r, 5)); // the second snapshot is committed at a later millisecond
  table = (await importFile(catalog, "events", path.join(dir, "b.csv"), { mode: "append" })).table;
  second = table.currentSnapshot()!["snapshot-id"];
  await table.commitMetadata(async (base) => ({ ...base.metadata, refs: { ...base.metadata.refs, launch: { "snapshot-id": first, type: "tag" } } }));
  session = await Session.open({ env });
}, 60_000);
afterAll(async () => {
  await session?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function ids(model: string): Promise<number[]> {
  const table = await session.result(model);
  return [...table.getChild("id")!].map(Number).sort((a, b) => a - b);
}

describe("time travel in models", () => {
  it("reads a snapshot by id, as of an instant and by tag; the current one without a pin", async () => {
    await session.applyCell("ts", `
      model("by_id", { t: Model("events", { snapshot: ${first} }) }, ({ t }) => t);
      model("as_of", { t: Model("events", { asOf: "${between}" }) }, ({ t }) => t);
      model("by_tag", { t: Model("events", { ref: "launch" }) }, ({ t }) => t);
      model("now", { t: Model("events") }, ({ t }) => t);
    `);
    expect(await ids("by_id")).toEqual([1, 2, 3]);
    expect(await ids("as_of")).toEqual([1, 2, 3]);
    expect(await ids("by_tag")).toEqual([1, 2, 3]);
    expect(await ids("now")).toEqual([1, 2, 3, 4, 5]);
    // The pinned scans and the current one are different nodes with different fingerprints.
    const planned = await session.plan(["by_id", "now"]);
    const scans = [...planned.graph.nodes.values()].filter((n) => n.kind === "scan").map((n) => n.name);
    expect(scans).toContain(`events@${first}[id, label]`);
    expect(scans).toContain("events[id, label]");
  });

  it("reads with DuckDB's AT clause in SQL, one table at two snapshots in one query", async () => {
    await session.applyCell("sql1", `%%sql sql_version\nSELECT id FROM events AT (VERSION => ${first})`);
    expect(await ids("sql_version")).toEqual([1, 2, 3]);
    await session.applyCell("sql2", "%%sql sql_tag\nSELECT e.id FROM events AS e AT (VERSION => 'launch') WHERE e.id > 1");
    expect(await ids("sql_tag")).toEqual([2, 3]);
    await session.applyCell("sql3", `%%sql sql_time\nSELECT id FROM events AT (TIMESTAMP => '${between}')`);
    expect(await ids("sql_time")).toEqual([1, 2, 3]);
    await session.applyCell("sql4", `%%sql added\nSELECT now.id FROM events now LEFT JOIN events AS old AT (VERSION => ${first}) ON now.id = old.id WHERE old.id IS NULL`);
    expect(await ids("added")).toEqual([4, 5]);
  });

  it("says which snapshots there are when a pin names none", async () => {
    await session.applyCell("bad", `model("bad", { t: Model("events", { snapshot: 12345 }) }, ({ t }) => t);`);
    await expect(session.plan(["bad"])).rejects.toThrow(/model "bad".*12345.*/s);
    session.removeCell("bad");
    await session.applyCell("bad2", "%%sql bad2\nSELECT id FROM events AT (VERSION => 'nope')");
    await expect(session.plan(["bad2"])).rejects.toThrow(/branch or tag 'nope'.*'launch'/s);
    session.removeCell("bad2");
    await session.applyCell("bad3", `model("bad3", { t: Model("events", { asOf: "1999-01-01T00:00:00Z" }) }, ({ t }) => t);`);
    await expect(session.plan(["bad3"])).rejects.toThrow(/as of 1999-01-01.*first snapshot/s);
    session.removeCell("bad3");
    expect(() => session.applyCell("bad4", `model("bad4", { t: Model("events", { snapshot: 1, ref: "launch" }) }, ({ t }) => t);`))
      .rejects.toThrow(/one of snapshot, asOf and ref/);
  });
});

describe("lakeloop query --snapshot and --as-of", () => {
  const run = async (args: string[]) => {
    let out = "";
    let err = "";
    const code = await main(["query", ...args], { stdout: { write: (s: string) => { out += s; return true; } } as never, stderr: { write: (s: string) => { err += s; return true; } } as never, env });
    return { code, out, err };
  };

  it("reads every table of the query at that snapshot or instant", async () => {
    const bySnapshot = await run(["--snapshot", String(first), "--csv", "SELECT count(*) AS n, max(id) AS top FROM events"]);
    expect(bySnapshot).toMatchObject({ code: 0, out: "n,top\n3,3\n" });
    const asOf = await run(["--as-of", between, "--csv", "SELECT count(*) AS n FROM events"]);
    expect(asOf).toMatchObject({ code: 0, out: "n\n3\n" });
    const now = await run(["--csv", "SELECT count(*) AS n FROM events"]);
    expect(now).toMatchObject({ code: 0, out: "n\n5\n" });
    const second_ = await run(["--snapshot", String(second), "--csv", "SELECT count(*) AS n FROM events"]);
    expect(second_.out).toBe("n\n5\n");
  });

  it("refuses a malformed pin before touching the lake", async () => {
    expect(await run(["--snapshot", "abc", "SELECT 1"])).toMatchObject({ code: 2 });
    expect((await run(["--as-of", "yesterday", "SELECT 1"])).err).toMatch(/--as-of needs an instant/);
    expect((await run(["--snapshot", "1", "--as-of", between, "SELECT 1"])).err).toMatch(/choose --snapshot or --as-of/);
  });
});
