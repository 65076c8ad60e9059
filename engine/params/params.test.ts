// Parameters without a lake: typed values and their errors, literals that are never
// pasted text, `$name` found only outside quotes and comments, the parameters a model's
// function reads, declarations in cells, and a session's set of them.
import { describe, expect, it } from "vitest";
import { TsCellContext } from "../cells/ts-cell.js";
import { DefinitionError } from "../model/definition.js";
import { bindFunction, bindText } from "./bind-params.js";
import { filterLiteral, inferParamType, jsValueSource, readParamValue, sqlLiteral } from "./param-value.js";
import { ParameterSet, type ResolvedParameters } from "./parameter-set.js";
import { paramsUsedBy } from "./params-used.js";
import { findParamUses, substituteParams } from "./substitute.js";

const at = { cell: "c", line: 1 };

describe("parameter values", () => {
  it("infers the type from the default", () => {
    expect(inferParamType("2023-01-01")).toBe("date");
    expect(inferParamType("2023-01-01 10:30")).toBe("timestamp");
    expect(inferParamType("2023-01-01T10:30:00Z")).toBe("timestamp");
    expect(inferParamType(new Date(0))).toBe("timestamp");
    expect(inferParamType(10)).toBe("number");
    expect(inferParamType("EU")).toBe("string");
    expect(inferParamType("2023-02-30")).toBe("string"); // not a real date
    expect(inferParamType(true)).toBeUndefined();
  });

  it("reads text as the parameter's type, one canonical form per value", () => {
    expect(readParamValue("n", "number", "10")).toBe(10);
    expect(readParamValue("n", "number", "-2.5e1")).toBe(-25);
    expect(readParamValue("d", "date", " 2023-02-01 ")).toBe("2023-02-01");
    expect(readParamValue("t", "timestamp", "2023-02-01")).toBe("2023-02-01 00:00:00");
    expect(readParamValue("t", "timestamp", "2023-02-01T10:00:00+02:00")).toBe("2023-02-01 08:00:00");
    expect(readParamValue("t", "timestamp", "2023-02-01 10:00:00.5")).toBe("2023-02-01 10:00:00.500000");
    expect(readParamValue("t", "timestamp", new Date(Date.UTC(2023, 1, 1, 10)))).toBe("2023-02-01 10:00:00");
    expect(readParamValue("s", "string", "it's")).toBe("it's");
  });

  it("refuses a bad value naming the parameter, the value and the type", () => {
    expect(() => readParamValue("start", "date", "2023-13-01")).toThrow('parameter start is a date: "2023-13-01" is not a date (YYYY-MM-DD)');
    expect(() => readParamValue("start", "date", "yesterday")).toThrow('parameter start is a date: "yesterday" is not a date (YYYY-MM-DD)');
    expect(() => readParamValue("n", "number", "ten")).toThrow('parameter n is a number: "ten" is not a finite number');
    expect(() => readParamValue("n", "number", "1e999")).toThrow('parameter n is a number: "1e999" is not a finite number');
    expect(() => readParamValue("at", "timestamp", "2023-01-01 25:00")).toThrow(/^parameter at is a timestamp: "2023-01-01 25:00" is not a timestamp/);
    expect(() => readParamValue("s", "string", 5)).toThrow("parameter s is a string: 5 is not a string");
  });

  it("writes typed literals: text quoted, negative numbers parenthesized, dates and timestamps typed", () => {
    expect(sqlLiteral("string", "O'Brien'; DROP TABLE t; --")).toBe("'O''Brien''; DROP TABLE t; --'");
    expect(sqlLiteral("number", -5)).toBe("(-5)");
    expect(sqlLiteral("number", 1.5)).toBe("1.5");
    expect(sqlLiteral("number", 12345678901234)).toBe("12345678901234");
    expect(sqlLiteral("date", "2023-02-01")).toBe("DATE '2023-02-01'");
    expect(sqlLiteral("timestamp", "2023-02-01 08:00:00")).toBe("TIMESTAMP '2023-02-01 08:00:00'");
    expect(filterLiteral("number", -5)).toBe("-5");
    expect(jsValueSource("date", "2023-02-01")).toBe('new Date("2023-02-01T00:00:00Z")');
    expect(jsValueSource("timestamp", "2023-02-01 08:00:00.250000")).toBe(`new Date(${Date.UTC(2023, 1, 1, 8, 0, 0, 250)})`);
    expect(jsValueSource("string", 'a"b')).toBe('"a\\"b"');
  });
});

describe("$name in text", () => {
  it("finds uses outside strings, quoted names and comments only", () => {
    const sql = `SELECT '$a', "$b", E'it\\'s $c', $$ $d $$, $tag$ $e $tag$, x$f, $1 -- $g
      /* $h */ FROM t WHERE x >= $start AND y = $n`;
    expect(findParamUses(sql, "sql").map((u) => u.name)).toEqual(["start", "n"]);
    // A filter has no comments: "--" is not one there.
    expect(findParamUses("x >= $a AND y <> '$b' -- $c", "filter").map((u) => u.name)).toEqual(["a", "c"]);
  });

  it("substitutes literals and names the parameters used once each", () => {
    const out = substituteParams("x>=$d AND x<$d AND y-$n > 0", "sql", ({ name }) => (name === "d" ? "DATE '2023-01-01'" : "(-5)"));
    expect(out.text).toBe("x>=DATE '2023-01-01' AND x<DATE '2023-01-01' AND y-(-5) > 0");
    expect(out.used).toEqual(["d", "n"]);
  });

  const params: ResolvedParameters = new Map([
    ["start", { type: "date", value: "2023-01-01", source: "default", at }],
    ["day", { type: "date", value: undefined, source: "none", at }],
  ]);

  it("binds typed literals and refuses an unknown or unset parameter, saying where", () => {
    expect(bindText("eventTime >= $start", "filter", params, 'the filter of model "m"', at)).toEqual({
      text: "eventTime >= DATE '2023-01-01'", used: { start: { type: "date", value: "2023-01-01" } },
    });
    const unknown = (() => { try { bindText("x > $strat", "sql", params, 'model "m"', at); } catch (e) { return e; } })() as DefinitionError;
    expect(unknown).toBeInstanceOf(DefinitionError);
    expect(unknown.message).toBe('c:1: model "m" uses $strat, which is not a parameter (did you mean $start?); parameters: start, day');
    expect(() => bindText("x > $day", "sql", params, 'model "m"', at)).toThrow('model "m" uses $day, which has no value: give one with --param day=…, %param day … or .param day …');
    expect(() => bindFunction("(t, { params }) => params.strat", params, 'model "m"', at)).toThrow('model "m" uses params.strat, which is not a parameter (did you mean params.start?)');
  });
});

describe("the parameters a model's function reads", () => {
  const used = (source: string) => { const u = paramsUsedBy(source); return u === "all" ? u : [...u].sort(); };
  it("follows params through the second argument", () => {
    expect(used("({ tx }) => tx")).toEqual([]);
    expect(used("({ tx }, { params }) => params.start")).toEqual(["start"]);
    expect(used("({ tx }, { arrow, params: p }) => p.a + p['b']")).toEqual(["a", "b"]);
    expect(used("({ tx }, { params: { a, b: c } }) => a + c")).toEqual(["a", "b"]);
    expect(used("(inputs, ctx) => { const { a } = ctx.params; ctx.log(a); return ctx.params.b; }")).toEqual(["a", "b"]);
    expect(used("function (inputs, ctx) { const { params } = ctx; return params.x; }")).toEqual(["x"]);
  });
  it("says all when it cannot pin the names", () => {
    expect(used("(inputs, { params }) => Object.keys(params)")).toBe("all");
    expect(used("(inputs, { params }) => params[key]")).toBe("all");
    expect(used("(inputs, ctx) => helper(ctx)")).toBe("all");
    expect(used("(inputs, { ...rest }) => rest")).toBe("all");
    expect(used("function () { return arguments[1].params.a; }")).toBe("all");
  });
});

describe("declaring parameters", () => {
  it("collects Parameter(...) from a cell; the handle prints as $name", async () => {
    const context = new TsCellContext();
    const result = await context.evaluate("c1", `const start = Parameter("start", "2023-01-01");\nParameter("n", 10);\nParameter("day", { type: "date" });\n\`\${start}\``);
    expect(result.parameters.map((p) => [p.name, p.type, p.default, p.at.line])).toEqual([["start", "date", "2023-01-01", 1], ["n", "number", 10, 2], ["day", "date", undefined, 3]]);
    expect(result.value).toBe("$start");
  });

  it("refuses a bad declaration at its line, naming what is wrong", async () => {
    const context = new TsCellContext();
    await expect(context.evaluate("c2", `\nParameter("day", { type: "date", default: "2023-02-30" })`)).rejects.toThrow('c2:2: the default of parameter day is a date: "2023-02-30" is not a date (YYYY-MM-DD)');
    await expect(context.evaluate("c3", `Parameter("flag", true)`)).rejects.toThrow(/c3:1: Parameter\("flag", true\): the default is a boolean; give a string, number, date or timestamp/);
    await expect(context.evaluate("c4", `Parameter("x", { type: "int" })`)).rejects.toThrow('c4:1: Parameter("x"): type "int" is not one of string, number, date, timestamp');
    await expect(context.evaluate("c5", `Parameter("2x", 1)`)).rejects.toThrow('c5:1: parameter name "2x" must be an identifier');
  });

  it("checks a given value against the type, and again when the type changes", () => {
    const set = new ParameterSet();
    set.setCell("a", [{ name: "n", type: "number", default: 1, at }], "replace");
    expect(set.set("n", "2")).toBe(2);
    expect(() => set.set("n", "two")).toThrow('parameter n is a number: "two" is not a finite number');
    expect(() => set.set("m", "1")).toThrow("no parameter named m (did you mean n?); parameters: n");
    expect(set.resolve().get("n")).toMatchObject({ value: 2, source: "given" });
    set.setCell("a", [{ name: "n", type: "date", default: "2023-01-01", at }], "replace");
    expect(() => set.resolve()).toThrow('c:1: parameter n is a date: "2" is not a date (YYYY-MM-DD) (the value given earlier no longer fits the declaration here)');
    set.reset("n");
    expect(set.describe()).toBe("n  date       2023-01-01  (default)  c:1");
    set.setCell("b", [{ name: "n", type: "date", at: { cell: "b", line: 3 } }], "error");
    expect(() => set.resolve()).toThrow("b:3: parameter n is declared twice: here and at c:1");
  });
});
