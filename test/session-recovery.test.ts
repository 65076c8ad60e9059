// A session through bad cells, as the notebook and the REPL drive it (real worker,
// real lake): a cell that cannot be planned is refused alone and leaves the session as
// it was, so the cells after it run; a model whose table went away stays out of every
// plan that does not need it; models can be dropped; a project is still checked whole.
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../lake/iceberg/catalog.js";
import { writeSample } from "../lake/ingest/sample.js";
import { FileStore } from "../lake/store/file-store.js";
import { Session } from "../engine/session.js";
import { loadProject } from "../engine/project/load-project.js";
import { openCatalog } from "../lake/open-catalog.js";

let dir: string;
let catalog: Catalog;
let session: Session;
let cells = 0;
const cell = () => `cell[${++cells}]`;

const janCell = `model("jan", { tx: Model("transactions", { columns: ["id", "usd"], filter: "eventTime < '2023-01-05'" }) }, ({ tx }) => tx)`;
const badCell = `model("bad", {\n  tx: Model("transactions", {\n    filter: "eventTime BETWEN '2023-01-01' AND '2023-02-01'",\n  }),\n}, ({ tx }) => tx)`;
const names = () => session.definitions().map((d) => `${d.name}@${d.at.cell}`).sort();
const failureOf = async (work: Promise<unknown>) => work.then(() => { throw new Error("it did not fail"); }, (err: Error) => err);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-recovery-"));
  const store = await FileStore.open(path.join(dir, "lake"));
  catalog = await openCatalog(store);
  await writeSample(catalog, { rows: 20_000, months: 2 });
  session = await Session.open({ lake: store.root, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache") }, redefine: "replace" });
});
afterAll(async () => {
  await session?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a session after a bad cell", () => {
  it("refuses the bad cell alone, at the filter's line; later model cells, SQL cells and result() run", async () => {
    await session.runCell(cell(), janCell);
    const error = await failureOf(session.runCell(cell(), badCell));
    expect(error.message).toMatch(/^cell\[2\]:3: bad filter in model "bad": expected a comparison after column "eventTime"/);
    expect(names()).toEqual(["jan@cell[1]"]);
    const later = await session.runCell(cell(), `model("jan_n", { j: Model("jan") }, ({ j }) => [{ n: j.numRows }])`);
    expect(later.report!.nodes.map((n) => `${n.name}:${n.action}`)).toEqual(["jan:reused", "jan_n:ran"]);
    const sql = await session.runCell(cell(), "%%sql big\nSELECT count(*) AS n FROM jan WHERE usd > 100");
    expect(sql.report!.nodes.find((n) => n.name === "big")!.action).toBe("ran");
    expect((await session.result("jan_n")).getChild("n")!.get(0)).toBeGreaterThan(0);
  });

  it("keeps a model's old definition when a bad cell redefines it, and refuses a cell that breaks another model", async () => {
    const before = names();
    const redefined = await failureOf(session.runCell(cell(), janCell.replace("eventTime < '2023-01-05'", "eventTime < 'soon'")));
    expect(redefined.message).toMatch(/bad filter in model "jan": .*is not a timestamp/);
    expect(names()).toEqual(before);
    // A model named like the table its readers scan turns their scans into reads of a model.
    const breaking = await failureOf(session.runCell(cell(), `model("transactions", {}, () => [{ id: 1 }])`));
    expect(breaking.message).toMatch(/this cell would break model "jan": .*input "tx" of "jan" reads model "transactions": columns and filter apply to lake tables/);
    expect(names()).toEqual(before);
    expect((await session.runCell(cell(), `model("after", {}, () => [{ ok: 1 }])`)).report!.nodes.at(-1)!.action).toBe("ran");
  });

  it("names the lake and never the failing model itself among the names it knows", async () => {
    const error = await failureOf(session.runCell(cell(), `model("typo", { tx: Model("transactionz") }, ({ tx }) => tx)`));
    expect(error.message).toMatch(/model "typo" reads "transactionz", which is neither a model nor a lake table \(did you mean "transactions"\?\); known: [^;]*; the lake is /);
    expect(error.message.endsWith(`; the lake is ${session.lake}`)).toBe(true);
    expect(error.message.slice(error.message.indexOf("known: "))).not.toMatch(/\btypo\b/);
  });

  it("drops models; refuses to drop one another model reads, naming the readers", async () => {
    const refused = await failureOf(session.dropModels(["jan"]));
    expect(refused.message).toBe(`cannot drop "jan": models "jan_n", "big" read it; drop them too, in the same command`);
    expect(names()).toContain("jan@cell[1]");
    expect((await failureOf(session.dropModels(["nope"]))).message).toMatch(/^no model named "nope"; models: jan, /);
    const dropped = await session.dropModels(["big", "jan_n", "after"]);
    expect(dropped.map((d) => d.name).sort()).toEqual(["after", "big", "jan_n"]);
    expect(names()).toEqual(["jan@cell[1]"]);
  });
});

describe("a model whose table went away", () => {
  it("stays out of the plans that do not need it and fails, alone, in a run of everything", async () => {
    await session.runCell(cell(), `model("maker", { j: Model("jan") }, ({ j }) => j, { materialize: "side_table" })`);
    await session.runCell(cell(), `model("reads_side", { s: Model("side_table", { columns: ["id"] }) }, ({ s }) => s)`);
    await session.dropModels(["maker"]);
    await catalog.dropTable("side_table");
    // A new, unrelated cell is not blamed for it...
    const unrelated = await session.runCell(cell(), `model("unrelated", {}, () => [{ unrelated: true }])`);
    expect(unrelated.report!.nodes.map((n) => n.action)).toEqual(["ran"]);
    // ...the plans that do not need it run, the one that does says why.
    expect((await session.result("jan")).numRows).toBeGreaterThan(0);
    expect((await failureOf(session.result("reads_side"))).message).toMatch(/model "reads_side" reads "side_table", which is neither a model nor a lake table/);
    const all = await session.run();
    expect(all.nodes.filter((n) => n.action === "failed").map((n) => `${n.name}: ${n.reason}`)).toEqual(["reads_side: definition"]);
    expect(all.nodes.filter((n) => n.action !== "failed").map((n) => n.name)).toEqual(expect.arrayContaining(["jan", "unrelated"]));
    expect(await session.explain()).toMatch(/not planned: reads_side, its definition fails: .*side_table/);
  });
});

describe("a project", () => {
  it("is checked whole when loaded: a bad file fails the load", async () => {
    const project = path.join(dir, "project");
    await mkdir(project);
    await writeFile(path.join(project, "a.ts"), `model("uses_b", { b: Model("b") }, ({ b }) => b)\n`);
    await writeFile(path.join(project, "b.sql"), `SELECT id FROM transactions WHERE usd > 1\n`);
    const projectSession = await Session.open({ lake: session.lake, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache-project") } });
    try {
      // A file may read a model of a file loaded after it.
      expect((await loadProject(projectSession, project, {})).sort()).toEqual(["b", "uses_b"]);
      await writeFile(path.join(project, "c.ts"), `model("c", { tx: Model("transactions", { filter: "usd >" }) }, ({ tx }) => tx)\n`);
      projectSession.removeCell(path.relative(process.cwd(), path.join(project, "a.ts")));
      expect((await failureOf(loadProject(projectSession, project, {}))).message).toMatch(/c\.ts:1: bad filter in model "c"/);
    } finally {
      await projectSession.close();
    }
  });
});
