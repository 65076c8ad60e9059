// Completion and quick info over real TypeScript language services and a lake's names.
import { describe, expect, it } from "vitest";
import { completeCell, type LakeNames } from "./complete-cell.js";
import { CellLanguage } from "./ts-language.js";

const names: LakeNames = {
  tables: async () => ["transactions", "merchants"],
  models: () => ["euro_selection"],
  columns: async (t) => (t === "transactions" ? ["id", "usd", "country", "eventTime"] : []),
};
const language = new CellLanguage("declare const display: (value: unknown) => string;");
const at = async (source: string) => completeCell(source, source.length, names, language);

describe("cell completion", () => {
  it("offers tables and models inside Model(\"…\")", async () => {
    const c = await at(`const x = Model("tra`);
    expect(c.matches).toEqual(["transactions"]);
    expect(c.start).toBe(`const x = Model("`.length);
    expect((await at(`Model("eu`)).matches).toEqual(["euro_selection"]);
  });

  it("offers the table's columns in columns: [...] and in filters", async () => {
    expect((await at(`Model("transactions", { columns: ["id", "co`)).matches).toEqual(["country"]);
    const filter = `Model("transactions", { filter: "usd > 10 AND ev`;
    const c = await at(filter);
    expect(c.matches).toEqual(["eventTime"]);
    expect(c.start).toBe(filter.length - 2);
  });

  it("offers columns, tables and keywords in a %%sql cell", async () => {
    const source = "%%sql by_country\nSELECT cou";
    const c = await completeCell(source + " FROM transactions", source.length, names, language);
    expect(c.matches).toContain("country");
    expect((await at("%%sql x\nSELECT * FROM euro")).matches).toEqual(["euro_selection"]);
    expect((await at("%%sql x\nSELECT * FROM transactions GRO")).matches).toContain("GROUP BY");
  });

  it("uses the TypeScript language service for code, with earlier cells in view", async () => {
    language.remember("const totalSpend = 41;");
    expect((await at("totalS")).matches).toContain("totalSpend");
    expect((await at("Mod")).matches).toContain("Model");
    expect((await at("arrow.tableFromA")).matches).toContain("tableFromArrays");
    expect((await at("disp")).matches).toContain("display");
    expect((await at("[1, 2].fla")).matches).toEqual(expect.arrayContaining(["flat", "flatMap"]));
  });

  it("gives types and documentation as quick info", () => {
    expect(language.quickInfo("totalSpend", 3)?.signature).toBe("const totalSpend: 41");
    const info = language.quickInfo("model", 2)!;
    expect(info.signature).toMatch(/^const model: <I extends Record<string, InputRef>>\(name: string, inputs: I/);
    expect(info.documentation).toMatch(/Registers a TypeScript model/);
  });
});
