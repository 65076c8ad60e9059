import { describe, expect, it } from "vitest";
import { vegaliteBundle, VEGALITE_MIME } from "./render-vegalite.js";

const bar = (values: unknown[]) => ({
  mark: "bar", data: { values },
  encoding: { x: { field: "country", type: "nominal" }, y: { field: "usd", type: "quantitative" } },
});

describe("a Vega-Lite chart", () => {
  it("goes out as the spec and as SVG drawn in Node, one bar per row", async () => {
    const spec = bar([{ country: "DE", usd: 3 }, { country: "FR", usd: 2 }, { country: "IT", usd: 1 }]);
    const failures: string[] = [];
    const bundle = await vegaliteBundle(spec, (m) => failures.push(m));
    expect(failures).toEqual([]);
    expect(bundle[VEGALITE_MIME]).toBe(spec);
    expect(bundle["text/plain"]).toBe("<VegaLite chart: bar, 3 rows>");
    const svg = String(bundle["image/svg+xml"]);
    expect(svg).toMatch(/^<svg [^>]*width="\d+" height="\d+" viewBox=/);
    expect(svg.match(/<path [^>]*aria-roledescription="bar"/g)).toHaveLength(3);
    expect(svg).toContain(">country</text>");
  });

  it("still sends a spec vega cannot draw, and says why it has no SVG", async () => {
    const failures: string[] = [];
    const spec = { mark: "no-such-mark", data: { values: [{ a: 1 }] } };
    const bundle = await vegaliteBundle(spec, (m) => failures.push(m));
    expect(bundle[VEGALITE_MIME]).toBe(spec);
    expect(bundle["image/svg+xml"]).toBeUndefined();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^the chart could not be drawn as SVG: \S/);
  });
});
