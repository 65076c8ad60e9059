import { describe, expect, it } from "vitest";
import type { DagLayout } from "../engine/plan/layout-dag.js";
import { dagSvg, wrapText } from "./render-dag.js";

const FILTER = "where eventTime BETWEEN '2023-01-01' AND '2023-03-01' AND country IN ('DE', 'FR', 'IT', 'ES', 'NL', 'BE', 'AT', 'PT')";
const layout: DagLayout = {
  layers: 4,
  nodes: [
    { key: "scan", name: `transactions[id, usd, country, eventTime, settled_on] ${FILTER}`, kind: "scan", action: "run", reason: "new", layer: 0, row: 0 },
    { key: "a", name: "eurozone", kind: "ts", action: "run", reason: "new", layer: 1, row: 0 },
    { key: "b", name: "daily", kind: "sql", action: "reuse", reason: "resident", layer: 2, row: 0 },
    { key: "c", name: "top_days", kind: "sql", action: "run", reason: "code-changed", layer: 3, row: 0 },
  ],
  edges: [{ from: "scan", to: "a" }, { from: "a", to: "b" }, { from: "b", to: "c" }],
};

describe("the DAG drawing", () => {
  it("scales to the output's width, at most its natural size", () => {
    const svg = dagSvg(layout);
    const [, width] = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!;
    expect(svg).toMatch(new RegExp(`^<svg [^>]*width="100%" viewBox="0 0 ${width} \\d+" style="max-width:${width}px"`));
    expect(svg).not.toMatch(/<svg [^>]*height=/); // the height follows the width
    expect(Number(width)).toBeLessThan(1200); // four layers of short lines
  });

  it("wraps and elides long names, with the full text on hover", () => {
    const svg = dagSvg(layout);
    const lines = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&quot;|&amp;|&lt;|&gt;/g, "x"));
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(32);
    expect(lines).toContain("transactions[id, usd, country,");
    expect(lines).toContain("eventTime, settled_on]");
    expect(lines.some((l) => l.endsWith("…"))).toBe(true);
    expect(svg).toContain(`<title>transactions[id, usd, country, eventTime, settled_on] ${FILTER}: run (new)</title>`);
  });

  it("wraps text at spaces and commas, cuts words longer than a line, marks what is left out", () => {
    expect(wrapText("a bb ccc dddd", 6, 3)).toEqual(["a bb", "ccc", "dddd"]);
    expect(wrapText("a bb ccc dddd", 6, 2)).toEqual(["a bb", "ccc…"]);
    expect(wrapText("abcdefghij", 4, 5)).toEqual(["abcd", "efgh", "ij"]);
    expect(wrapText("x[a,b,c]", 5, 3)).toEqual(["x[a,", "b,c]"]);
  });
});
