import { describe, expect, it } from "vitest";
import { CellLanguage } from "../engine/complete/ts-language.js";
import { typeWarningText } from "./type-warnings.js";

describe("type errors as a warning under the cell", () => {
  const language = new CellLanguage("declare const display: (value: unknown) => void;");

  it("reports a type error at the cell's own line", () => {
    language.remember("const earlier = 1;\nconst more = 2;");
    const warning = typeWarningText(language.diagnostics('const ok = 1;\nconst n: number = "x";\nn + 1'));
    expect(warning).toBe("TypeScript warning, line 2: Type 'string' is not assignable to type 'number'.\n");
  }, 30_000);

  it("stays quiet on what notebooks do: names declared again, top-level await, the model API", () => {
    language.remember("const total = 1;");
    expect(language.diagnostics("const total = 2;\ntotal")).toEqual([]);
    expect(language.diagnostics('const t = await result("usd_by_country");\ndisplay(t.numRows)')).toEqual([]);
    expect(language.diagnostics([
      'import { model, Model } from "lakeloop";',
      'model("euro", { tx: Model("transactions", { columns: ["id", "usd"] }) }, ({ tx }) => {',
      "  const rows = [];",
      '  for (let i = 0; i < tx.numRows; i++) rows.push({ id: Number(tx.getChild("id")!.get(i)) });',
      "  return rows;",
      "});",
    ].join("\n"))).toEqual([]);
  }, 30_000);

  it("shows at most five errors", () => {
    const code = Array.from({ length: 7 }, (_, i) => `const v${i}: number = "x";`).join("\n");
    const lines = typeWarningText(language.diagnostics(code)).trimEnd().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe("… and 2 more type errors");
  }, 30_000);
});
