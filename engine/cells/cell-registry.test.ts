// The cell registry alone (no lake, no worker): a cell's definitions replace its own,
// "replace" moves a model defined again to its new cell, "error" keeps both for the DAG
// to refuse, dropping by name, and a snapshot puts everything back as one step.
import { describe, expect, it } from "vitest";
import { CellRegistry } from "./cell-registry.js";
import { parseMagicCell } from "./cell-magic.js";

const sql = (cell: string, name: string, query = "SELECT 1 AS x") => parseMagicCell(cell, `%%sql ${name}\n${query}`)!;
const where = (r: CellRegistry) => r.definitions().map((d) => `${d.name}@${d.at.cell}`);

describe("the cell registry", () => {
  it("replaces a cell's own definitions when the cell runs again", () => {
    const r = new CellRegistry("replace");
    expect(r.set("cell[1]", sql("cell[1]", "a"))).toEqual([]);
    r.set("cell[2]", sql("cell[2]", "b"));
    r.set("cell[1]", sql("cell[1]", "c"));
    expect(where(r)).toEqual(["c@cell[1]", "b@cell[2]"]);
  });

  it("moves a model defined again in another cell under replace, and says from where", () => {
    const r = new CellRegistry("replace");
    r.set("cell[1]", sql("cell[1]", "a"));
    expect(r.set("cell[2]", sql("cell[2]", "a", "SELECT 2 AS x"))).toEqual(["a (from cell[1])"]);
    expect(where(r)).toEqual(["a@cell[2]"]);
  });

  it("keeps both definitions under error (the DAG names the duplicate)", () => {
    const r = new CellRegistry("error");
    r.set("a.sql", sql("a.sql", "a"));
    expect(r.set("b.sql", sql("b.sql", "a"))).toEqual([]);
    expect(where(r)).toEqual(["a@a.sql", "a@b.sql"]);
  });

  it("leaves out a cell that never defined a model, and keeps one that stopped defining", () => {
    const r = new CellRegistry("replace");
    r.set("cell[1]", []);
    expect(r.has("cell[1]")).toBe(false);
    r.set("cell[2]", sql("cell[2]", "b"));
    r.set("cell[2]", []);
    expect(r.has("cell[2]")).toBe(true);
    expect(r.definitions()).toEqual([]);
  });

  it("drops models by name and restores a snapshot as one step", () => {
    const r = new CellRegistry("replace");
    r.set("cell[1]", [...sql("cell[1]", "a"), ...sql("cell[1]", "b")]);
    r.set("cell[2]", sql("cell[2]", "c"));
    const before = r.snapshot();
    r.removeModels(["a", "c"]);
    expect(where(r)).toEqual(["b@cell[1]"]);
    r.remove("cell[1]");
    expect(where(r)).toEqual([]);
    r.restore(before);
    expect(where(r)).toEqual(["a@cell[1]", "b@cell[1]", "c@cell[2]"]);
  });
});
