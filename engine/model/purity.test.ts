import { describe, expect, it } from "vitest";
import { checkPurity } from "./purity.js";

const at = { cell: "cell[3]", line: 10 };
const check = (fn: string) => () => checkPurity("m", fn, at);

describe("checkPurity (a check of intent, not a sandbox)", () => {
  it("refuses names from outside the function, process among them", () => {
    expect(check(`({ tx }) => tx.numRows * rate`)).toThrow(/model "m" uses "rate" from outside its function/);
    expect(check(`() => [{ env: JSON.stringify(process.env) }]`)).toThrow(/model "m" uses "process" from outside its function/);
    expect(check(`() => Function("return process")()`)).toThrow(/uses "Function"/);
  });

  it("refuses the Function constructor reached through constructor, at the line it is on", () => {
    const escapes = [
      `() => [].constructor.constructor("return process.env")()`,
      `() => ({})["constructor"]["constructor"]("return this")()`,
      `() => (() => 1).constructor("return process")()`,
      `async () => new (Object.getPrototypeOf(async () => {}).constructor)(\`return \${"process"}\`)()`,
      `() => { const f = (x) => x; return f.constructor("return " + "globalThis")(); }`,
    ];
    for (const fn of escapes) expect(check(fn), fn).toThrow(/model "m" compiles code from text through a constructor \(Function by another name\)/);
    try {
      checkPurity("m", `() => {\n  const x = 1;\n  return [].constructor.constructor("return process")();\n}`, at);
      expect.unreachable();
    } catch (err) {
      expect((err as { at: unknown }).at).toEqual({ cell: "cell[3]", line: 12 });
    }
  });

  it("allows what models do: a typed array's constructor, class names, packages by import()", () => {
    for (const fn of [
      `({ tx }) => { const v = tx.getChild("usd").data[0].values; const copy = new v.constructor(v.length); return [{ n: copy.length, kind: v.constructor.name }]; }`,
      `async ({ tx }) => { const { mean } = await import("simple-statistics"); return [{ m: mean([...tx.getChild("usd")]) }]; }`,
      `(_, { arrow }) => arrow.tableFromArrays({ a: Int32Array.from([1]) })`,
    ]) expect(check(fn), fn).not.toThrow();
  });
});
