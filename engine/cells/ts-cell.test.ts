// TypeScript cells evaluated in one definitions context, with no session: the models a
// cell defines with their source and lines, the cell's value, declarations that later
// cells see and may declare again, top-level await, the imports a cell may use, and
// every failure located at the cell's line and shown as what the cell threw.
import { afterEach, describe, expect, it } from "vitest";
import { DefinitionError } from "../model/definition.js";
import { cellErrorOf } from "./cell-error.js";
import { locateInStack, TsCellContext } from "./ts-cell.js";

/** What evaluating the cell throws (it must throw). */
async function failureOf(source: string, context = new TsCellContext()): Promise<DefinitionError> {
  const err = await context.evaluate("cell[1]", source).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(DefinitionError);
  return err as DefinitionError;
}

describe("a TS cell's models", () => {
  it("are defined with their inputs, options, function source and lines, types and comments gone", async () => {
    const { definitions, value } = await new TsCellContext().evaluate("cell[1]", [
      `// euro rows`,
      `const euro: string[] = ["DE", "FR"]`,
      ``,
      `model("euro", { tx: Model("transactions", { columns: ["id", "country"], filter: "usd > 1" }) }, ({ tx }: any) => {`,
      `  // only the rows we want`,
      `  return tx`,
      `}, { materialize: true })`,
      `model("again", { e: Model("euro") }, ({ e }) => e)`,
    ].join("\n"));
    expect(value).toBeUndefined();
    const models = definitions.filter((d) => d.kind === "ts");
    expect(models.map((d) => [d.name, d.at, d.sourceLine])).toEqual([
      ["euro", { cell: "cell[1]", line: 4 }, 4],
      ["again", { cell: "cell[1]", line: 8 }, 8],
    ]);
    const [euro, again] = models;
    expect(euro).toMatchObject({
      kind: "ts",
      inputs: { tx: { name: "transactions", columns: ["id", "country"], filter: "usd > 1" } },
      options: { materialize: true },
      filterAt: { tx: { cell: "cell[1]", line: 4 } },
    });
    expect(euro!.source).toBe("({ tx }) => {\n    return tx;\n}");
    expect(euro!.sourceLines).toEqual([4, 6, 7]);
    expect(again!.inputs).toEqual({ e: { name: "euro" } });
  });

  it("give the cell's last expression as its value, also after top-level await", async () => {
    const context = new TsCellContext();
    expect((await context.evaluate("a", "const n = 20\nn + 1")).value).toBe(21);
    const awaited = await context.evaluate("b", `const k = await Promise.resolve(2)\nmodel("late", {}, () => [{ k: 1 }])\nk * 10`);
    expect(awaited.value).toBe(20);
    expect(awaited.definitions.map((d) => [d.name, d.at.line])).toEqual([["late", 2]]);
  });

  it("see the declarations of earlier cells, and may declare them again", async () => {
    const context = new TsCellContext({ shown: [] as unknown[] });
    await context.evaluate("a", "const rate = 2\nfunction twice(x: number) { return x * rate }");
    expect((await context.evaluate("b", "twice(5)")).value).toBe(10);
    await context.evaluate("a", "const rate = 3");
    expect((await context.evaluate("b", "twice(5)")).value).toBe(15);
    // Globals a front end gives the context are there too.
    expect((await context.evaluate("c", "shown.push('x'); shown")).value).toEqual(["x"]);
  });

  it("import lakeloop and apache-arrow, and nothing else", async () => {
    const context = new TsCellContext();
    const { definitions, value } = await context.evaluate("a", `import { model as m, Model as M } from "lakeloop"\nimport { tableFromArrays } from "apache-arrow"\nm("x", { t: M("events") }, ({ t }) => t)\ntableFromArrays({ a: [1, 2, 3] }).numRows`);
    expect(definitions.map((d) => d.name)).toEqual(["x"]);
    expect(value).toBe(3);
    const refused = await failureOf(`import { readFileSync } from "node:fs"\nreadFileSync`);
    expect(refused.code).toBe("CELL_FAILED");
    expect(refused.message).toContain(`cells can import "lakeloop" and "apache-arrow"; models load their packages with await import("node:fs") inside the function`);
  });
});

describe("a TS cell's failures", () => {
  it("point a syntax error at its line", async () => {
    const error = await failureOf(`const a = 1\n\nmodel("m", {}, () => {\n  return [ 1, \n})`);
    expect(error.code).toBe("SYNTAX");
    expect(error.at).toEqual({ cell: "cell[1]", line: 5 });
  });

  it("point a throw at its line, with top-level await too, and show what the cell threw", async () => {
    const plain = await failureOf(`const a = 1\n\nnull.length`);
    expect(plain).toMatchObject({ code: "CELL_FAILED", at: { cell: "cell[1]", line: 3 } });
    expect(cellErrorOf(plain)).toEqual({ name: "TypeError", message: "Cannot read properties of null (reading 'length')", at: { cell: "cell[1]", line: 3 } });
    const awaited = await failureOf(`await Promise.resolve(1)\n\n\nthrow new RangeError("too far")`);
    expect(cellErrorOf(awaited)).toEqual({ name: "RangeError", message: "too far", at: { cell: "cell[1]", line: 4 } });
  });

  it("refuse a bad model at the line of its call, as the definition error itself", async () => {
    const badName = await failureOf(`\nmodel("not a name", {}, () => [])`);
    expect(badName).toMatchObject({ code: "BAD_NAME", at: { cell: "cell[1]", line: 2 } });
    expect(cellErrorOf(badName)).toEqual({ name: "DefinitionError", message: `cell[1]:2: model name "not a name" must be an identifier (letters, digits, _)`, at: { cell: "cell[1]", line: 2 } });
    expect((await failureOf(`model("m", { t: "events" }, () => [])`)).code).toBe("BAD_INPUT");
    expect((await failureOf(`model("m", {}, "SELECT 1")`)).code).toBe("BAD_MODEL");
    expect((await failureOf(`const rate = 2\nmodel("m", {}, () => [{ r: rate }])`)).code).toBe("IMPURE_MODEL");
  });

  it("refuse an impure model at the line that uses the outside name, when the function starts below model(", async () => {
    const impure = await failureOf([
      "const rate = 2",
      "model(\"m\", {",
      "  e: Model(\"events\"),",
      "}, ({ e }) => {",
      "  const x = 1",
      "  return e.numRows * rate + x",
      "})",
    ].join("\n"));
    expect(impure).toMatchObject({ code: "IMPURE_MODEL", at: { cell: "cell[1]", line: 6 } });
    expect(impure.message).toMatch(/^cell\[1\]:6: model "m" uses "rate" from outside its function/);
    // A type annotation and a line of comment the transpiler drops above it: still its own line.
    const typed = await failureOf([
      "const limit = 3",
      "model(\"n\", {}, (): { v: number }[] => {",
      "  // the limit from outside",
      "  return [{ v: limit }]",
      "})",
    ].join("\n"));
    expect(typed).toMatchObject({ code: "IMPURE_MODEL", at: { cell: "cell[1]", line: 4 } });
  });

  it("define nothing when they fail", async () => {
    const context = new TsCellContext();
    await expect(context.evaluate("a", `model("first", {}, () => [])\nthrow new Error("later")`)).rejects.toThrow("later");
    // The next cell starts with no definitions of the failed one.
    expect((await context.evaluate("b", `model("second", {}, () => [])`)).definitions.map((d) => d.name)).toEqual(["second"]);
  });
});

describe("locateInStack", () => {
  it("finds the cell's frame in a stack, and line 1 when there is none", () => {
    const stack = "Error: x\n    at f (lakeloop-cell:cell[2]:7:3)\n    at lakeloop-cell:cell[1]:4:1";
    expect(locateInStack(stack, "cell[1]")).toEqual({ cell: "cell[1]", line: 4 });
    expect(locateInStack(stack, "cell[2]", (line) => line - 1)).toEqual({ cell: "cell[2]", line: 6 });
    expect(locateInStack(undefined, "cell[3]")).toEqual({ cell: "cell[3]", line: 1 });
  });
});

describe("cellErrorOf", () => {
  const name = "PLANNER_TEST_SECRET_TOKEN";
  afterEach(() => { delete process.env[name]; });

  it("redacts credential-like environment values from what it shows", () => {
    process.env[name] = "s3cr3t-value-123456";
    expect(cellErrorOf(new Error("denied for s3cr3t-value-123456 at the door"))).toEqual({ name: "Error", message: "denied for [redacted] at the door" });
  });

  it("shows a thrown non-error as text", () => {
    expect(cellErrorOf("plain words")).toEqual({ name: "Error", message: "plain words" });
  });
});
