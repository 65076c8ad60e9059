// Loading a project folder with no worker: every .ts file a cell, every name.sql file the
// SQL model `name` (its `-- lakeloop:` header read), errors pointing at the file's own
// lines, the whole project checked once loaded, and a model defined in two files refused
// naming both. loadProject uses two methods of a session, applyCell and check; here they
// are the planner's own pieces (cells evaluated, the DAG built over a real local lake).
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TsCellContext } from "../cells/ts-cell.js";
import { buildDag } from "../dag/build-dag.js";
import { appendRows, definitionsOf, openTestLake, type TestLake } from "../dag/lake-for-tests.js";
import type { DefinitionError, ModelDefinition } from "../model/definition.js";
import type { Session } from "../session.js";
import { loadProject, readProjectConfig } from "./load-project.js";

let lake: TestLake;
beforeAll(async () => {
  lake = await openTestLake();
  await appendRows(lake, "events", [{ name: "id", type: "long", required: true }, { name: "usd", type: "double", required: false }], "SELECT 1 AS id, 2.5 AS usd");
});
afterAll(() => lake?.close());

/** What loadProject asks of a session, with no worker: cells applied as a project's session applies them, and the whole checked. */
class ProjectCells {
  readonly cells = new Map<string, ModelDefinition[]>();
  readonly #context = new TsCellContext();

  async applyCell(cell: string, source: string, options: { sqlBodyLine?: number } = {}) {
    const definitions = await definitionsOf(cell, source, this.#context, options.sqlBodyLine);
    this.cells.set(cell, definitions);
    return { models: definitions.map((d) => d.name), value: undefined, moved: [] };
  }

  async check(): Promise<void> {
    const [first] = (await buildDag([...this.cells.values()].flat(), { catalog: lake.catalog, duck: lake.duck })).broken.values();
    if (first) throw first;
  }

  definition(name: string): ModelDefinition {
    return [...this.cells.values()].flat().find((d) => d.name === name)!;
  }
}

let projects = 0;
/** A new project folder holding the files (relative path -> text). */
async function projectWith(files: Record<string, string>): Promise<string> {
  const dir = path.join(lake.dir, `project${++projects}`);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

/** A file's cell name, as errors name it: its path from the working folder. */
const cellOf = (dir: string, file: string) => path.relative(process.cwd(), path.join(dir, file));

async function load(dir: string, config = {}): Promise<{ cells: ProjectCells; models: string[] }> {
  const cells = new ProjectCells();
  const models = await loadProject(cells as unknown as Session, dir, config);
  return { cells, models };
}

async function loadFailure(dir: string, config = {}): Promise<DefinitionError> {
  return load(dir, config).then(() => { throw new Error("the project loaded"); }, (err: DefinitionError) => err);
}

describe("loadProject", () => {
  it("loads every .ts and .sql file in path order, skipping declarations and node_modules", async () => {
    const dir = await projectWith({
      "models/base.ts": `// the base\nmodel("base", { e: Model("events") }, ({ e }) => e)\nmodel("rich", { b: Model("base") }, ({ b }) => b)`,
      "models/sql/by_id.sql": "SELECT id, sum(usd) AS usd\nFROM rich\nGROUP BY id",
      "models/types.d.ts": "declare const x: number;",
      "models/node_modules/pkg/index.ts": `model("vendored", {}, () => [])`,
      "models/README.md": "not a model",
    });
    const { cells, models } = await load(dir, { models: "models" });
    expect(models).toEqual(["base", "rich", "by_id"]);
    expect([...cells.cells.keys()]).toEqual([cellOf(dir, "models/base.ts"), cellOf(dir, "models/sql/by_id.sql")]);
    // A SQL file's query starts on the file's line 1; a TS model at its line in the file.
    expect(cells.definition("by_id")).toMatchObject({ kind: "sql", sql: "SELECT id, sum(usd) AS usd\nFROM rich\nGROUP BY id", options: {}, at: { cell: cellOf(dir, "models/sql/by_id.sql"), line: 1 } });
    expect(cells.definition("rich").at).toEqual({ cell: cellOf(dir, "models/base.ts"), line: 3 });
  });

  it("reads a SQL file's materialize header, and lets a file read models of files loaded after it", async () => {
    const dir = await projectWith({
      "a_first.sql": "-- lakeloop: materialize\nSELECT * FROM z_last",
      "b.sql": "-- lakeloop: materialize=analytics.b overwrite-input\nSELECT id FROM z_last",
      "c.sql": "--lakeloop:materialize=events overwrite-input\nSELECT id FROM events",
      "z_last.ts": `model("z_last", { e: Model("events") }, ({ e }) => e)`,
    });
    const { cells, models } = await load(dir);
    expect(models).toEqual(["a_first", "b", "c", "z_last"]);
    expect(cells.definition("a_first").options).toEqual({ materialize: true });
    expect(cells.definition("b").options).toEqual({ materialize: "analytics.b", overwriteInput: true });
    expect(cells.definition("c").options).toEqual({ materialize: "events", overwriteInput: true });
    // The header line is blanked, not removed: the query starts on the file's line 2.
    expect(cells.definition("b")).toMatchObject({ sql: "SELECT id FROM z_last", at: { line: 2 } });
  });

  it("refuses a model defined in two files, naming both places", async () => {
    const dir = await projectWith({
      "one.ts": `\n\nmodel("twice", { e: Model("events") }, ({ e }) => e)`,
      "two/twice.sql": "SELECT id FROM events",
    });
    const error = await loadFailure(dir);
    expect(error.code).toBe("DUPLICATE_MODEL");
    expect(error.at).toEqual({ cell: cellOf(dir, "two/twice.sql"), line: 1 });
    expect(error.message).toBe(`${cellOf(dir, "two/twice.sql")}:1: model "twice" is defined twice: here and at ${cellOf(dir, "one.ts")}:3`);
  });

  it("points errors at the file's own lines", async () => {
    const sql = await projectWith({ "bad.sql": "-- lakeloop: materialize\nSELECT id\nFROM events\nWHERE id = = 1" });
    expect(await loadFailure(sql)).toMatchObject({ code: "SQL_SYNTAX", at: { cell: cellOf(sql, "bad.sql"), line: 4 } });
    const ts = await projectWith({ "bad.ts": `model("ok", {}, () => [])\n\nthrow new Error("no")` });
    expect(await loadFailure(ts)).toMatchObject({ code: "CELL_FAILED", at: { cell: cellOf(ts, "bad.ts"), line: 3 } });
    const unknown = await projectWith({ "reads.sql": "SELECT id FROM evnts" });
    expect((await loadFailure(unknown)).message).toMatch(/reads\.sql:1: model "reads" reads "evnts", which is neither a model nor a lake table \(did you mean "events"\?\)/);
  });

  it("refuses a folder that is missing or holds no model files", async () => {
    const missing = path.join(lake.dir, "nowhere");
    expect(await loadFailure(missing)).toMatchObject({ code: "BAD_PROJECT", message: `no project folder at ${missing}` });
    const empty = await projectWith({ "notes.md": "# nothing here", "x.d.ts": "export {}" });
    expect(await loadFailure(empty)).toMatchObject({ code: "BAD_PROJECT", message: `${empty} holds no .ts or .sql model files` });
  });
});

describe("readProjectConfig", () => {
  it("reads lakeloop.json, is empty without one, and names the file when it is not JSON", async () => {
    const good = await projectWith({ "lakeloop.json": JSON.stringify({ lake: "file:///tmp/l", models: "models", targets: ["a"] }) });
    expect(await readProjectConfig(good)).toEqual({ lake: "file:///tmp/l", models: "models", targets: ["a"] });
    expect(await readProjectConfig(await projectWith({ "a.ts": "" }))).toEqual({});
    const bad = await projectWith({ "lakeloop.json": "{ models: 'm' }" });
    const error = await readProjectConfig(bad).catch((e: DefinitionError) => e);
    expect(error).toMatchObject({ code: "BAD_PROJECT" });
    expect((error as Error).message).toMatch(new RegExp(`^${path.join(bad, "lakeloop.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON: `));
  });
});
