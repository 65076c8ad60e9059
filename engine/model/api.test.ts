// The public model API on its own: `Model(...)` turns scan options into a plain input
// (time-travel pins checked and normalized), and `model(...)` only registers a checked
// definition with whoever is collecting, at the location the collector gives.
import { describe, expect, it } from "vitest";
import { collectDefinitions, Model, model } from "./api.js";
import { DefinitionError, type TsModelDefinition } from "./definition.js";

/** The definitions `fn` registers, each located at line 7 of "cell[9]". */
async function collected(fn: () => void): Promise<TsModelDefinition[]> {
  const definitions: TsModelDefinition[] = [];
  await collectDefinitions({ add: (d) => { if (d.kind === "ts") definitions.push(d); }, locate: () => ({ cell: "cell[9]", line: 7 }) }, fn);
  return definitions;
}

describe("Model", () => {
  it("is a plain input: the name, a copy of the columns, the filter", () => {
    const columns = ["id", "usd"];
    const input = Model("transactions", { columns, filter: "usd > 1" });
    expect(input).toEqual({ name: "transactions", columns: ["id", "usd"], filter: "usd > 1" });
    columns.push("country");
    expect(input.columns).toEqual(["id", "usd"]);
    expect(Model("euro")).toEqual({ name: "euro" });
    // An empty filter is no filter.
    expect(Model("t", { filter: "" })).toEqual({ name: "t" });
  });

  it("pins a snapshot by its digits, an instant as ISO text, or a ref", () => {
    expect(Model("t", { snapshot: 7505300640432048841n })).toEqual({ name: "t", snapshot: "7505300640432048841" });
    expect(Model("t", { snapshot: 42 })).toEqual({ name: "t", snapshot: "42" });
    expect(Model("t", { snapshot: "9007199254740993" })).toEqual({ name: "t", snapshot: "9007199254740993" });
    expect(Model("t", { asOf: "2023-06-01 12:00:00+02:00" })).toEqual({ name: "t", asOf: "2023-06-01T10:00:00.000Z" });
    expect(Model("t", { asOf: new Date(Date.UTC(2023, 5, 1)) })).toEqual({ name: "t", asOf: "2023-06-01T00:00:00.000Z" });
    expect(Model("t", { asOf: 0 })).toEqual({ name: "t", asOf: "1970-01-01T00:00:00.000Z" });
    expect(Model("t", { ref: "nightly" })).toEqual({ name: "t", ref: "nightly" });
  });

  it("refuses a missing name, two pins, and pins that name nothing", () => {
    expect(() => Model("  ")).toThrow("Model(name) needs the name of a table or a model");
    expect(() => Model("t", { snapshot: 1, ref: "x" })).toThrow("Model(...) takes one of snapshot, asOf and ref, not snapshot and ref");
    expect(() => Model("t", { snapshot: -1 })).toThrow(`Model(...) snapshot must be a snapshot id (digits), not -1`);
    expect(() => Model("t", { snapshot: "latest" })).toThrow(`Model(...) snapshot must be a snapshot id (digits), not "latest"`);
    expect(() => Model("t", { asOf: "last tuesday" })).toThrow(`Model(...) asOf must be an instant such as "2023-06-01T00:00:00Z", not "last tuesday"`);
    expect(() => Model("t", { ref: "" })).toThrow("Model(...) ref must name a branch or tag");
  });
});

describe("model", () => {
  it("registers a definition: name, a copy of inputs and options, the function's source, the location", async () => {
    const options = { materialize: true, timeoutMs: 100 };
    const [d, ...rest] = await collected(() => model("euro", { tx: Model("transactions", { filter: "usd > 1" }) }, ({ tx }) => tx, options));
    expect(rest).toEqual([]);
    expect(d).toEqual({
      kind: "ts", name: "euro", inputs: { tx: { name: "transactions", filter: "usd > 1" } },
      source: "({ tx }) => tx", options: { materialize: true, timeoutMs: 100 }, at: { cell: "cell[9]", line: 7 },
    });
    expect(d!.options).not.toBe(options);
  });

  it("refuses, at the caller's location, a bad name, a missing function, a bad input and an impure function", async () => {
    const refusal = async (fn: () => void) => (await collected(fn).then(() => undefined, (e: unknown) => e)) as DefinitionError;
    const badName = await refusal(() => model("1st", {}, () => []));
    expect(badName).toBeInstanceOf(DefinitionError);
    expect(badName).toMatchObject({ code: "BAD_NAME", at: { cell: "cell[9]", line: 7 } });
    expect(badName.message).toBe(`cell[9]:7: model name "1st" must be an identifier (letters, digits, _)`);
    expect(await refusal(() => model("m", {}, "SELECT 1" as never))).toMatchObject({ code: "BAD_MODEL", message: `cell[9]:7: model "m" needs a function as its third argument` });
    expect(await refusal(() => model("m", { t: "events" as never }, () => []))).toMatchObject({ code: "BAD_INPUT", message: `cell[9]:7: input "t" of model "m" must be Model("table or model name", ...)` });
    const outside = 3;
    expect(await refusal(() => model("m", {}, () => [{ outside }]))).toMatchObject({ code: "IMPURE_MODEL" });
  });

  it("registers only while a collector listens, with the innermost one, and restores the one before", async () => {
    expect(() => model("m", {}, () => [])).toThrow("model() registers definitions while a cell or project file is evaluated; run it through lakeloop");
    const outer: string[] = [];
    const inner: string[] = [];
    const sink = (into: string[]) => ({ add: (d: TsModelDefinition) => into.push(d.name), locate: () => ({ cell: "c", line: 1 }) });
    await collectDefinitions(sink(outer), async () => {
      model("a", {}, () => []);
      await collectDefinitions(sink(inner), () => model("b", {}, () => []));
      // A collector that failed is gone too.
      await collectDefinitions(sink(inner), () => { throw new Error("cell failed"); }).catch(() => {});
      model("c", {}, () => []);
    });
    expect(outer).toEqual(["a", "c"]);
    expect(inner).toEqual(["b"]);
    expect(() => model("m", {}, () => [])).toThrow(/registers definitions while a cell/);
  });
});
