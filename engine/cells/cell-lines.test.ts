// Lines of a cell's models as errors name them: where a model's function begins (so a
// throw on its line 3 is the cell's line of that throw, also after top-level await), and
// the line holding each filter (so a bad filter points there, not at the model's call).
import { describe, expect, it } from "vitest";
import { TsCellContext } from "./ts-cell.js";
import type { TsModelDefinition } from "../model/definition.js";

async function definitionsOf(source: string) {
  return (await new TsCellContext().evaluate("cell[1]", source)).definitions.filter((d): d is TsModelDefinition => d.kind === "ts");
}

describe("a cell's model lines", () => {
  it("maps the function's first line, with and without top-level await", async () => {
    const [plain] = await definitionsOf(`// a comment\n\nmodel("m", {}, () => {\n  throw new Error("x");\n})`);
    expect(plain!.sourceLine).toBe(3);
    const [awaited] = await definitionsOf(`const seen = await Promise.resolve(1)\nmodel("m", {}, () => {\n  const x = 1;\n  throw new Error("x");\n})`);
    expect(awaited!.sourceLine).toBe(2);
    expect(awaited!.sourceLines).toEqual([2, 3, 4, 5]);
    const [later] = await definitionsOf(`const a = await Promise.resolve(1)\n\n\nconst b = 2\nmodel("m", {}, () => [])`);
    expect(later!.sourceLine).toBe(5);
  });

  it("finds the line of each input's filter, each model its own", async () => {
    const [first, second] = await definitionsOf([
      `model("a", {`,
      `  tx: Model("transactions", {`,
      `    columns: ["id"],`,
      `    filter: "usd > 1",`,
      `  }),`,
      `  all: Model("transactions"),`,
      `}, ({ tx }) => tx)`,
      `model("b", { tx: Model("transactions", { filter: "usd > 1" }) }, ({ tx }) => tx)`,
    ].join("\n"));
    expect(first!.filterAt).toEqual({ tx: { cell: "cell[1]", line: 4 } });
    expect(second!.filterAt).toEqual({ tx: { cell: "cell[1]", line: 8 } });
  });

  it("uses a filter written above the model, and leaves a filter built at run time at the model's line", async () => {
    const [above] = await definitionsOf(`const jan = Model("transactions", {\n  filter: 'eventTime < DATE \\'2023-02-01\\'',\n})\nmodel("m", { tx: jan }, ({ tx }) => tx)`);
    expect(above!.filterAt).toEqual({ tx: { cell: "cell[1]", line: 2 } });
    const [built] = await definitionsOf(`const day = "2023-02-01"\nmodel("m", { tx: Model("transactions", { filter: \`eventTime < '\${day}'\` }) }, ({ tx }) => tx)`);
    expect(built!.filterAt).toBeUndefined();
  });
});
