// A Vega-Lite chart for every front end: the spec for those that draw Vega-Lite
// (JupyterLab, VS Code), and the same chart drawn to SVG here in Node (vega-lite compiles
// it, vega renders it headless, no browser) for those that do not (the classic
// Notebook, nbconvert, GitHub). Vega loads on the first chart, not at kernel start.
import type { MimeBundle } from "./render.js";
import { countOf } from "../engine/present/format-count.js";

export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/** The spec drawn as an SVG document. */
export async function vegaliteSvg(spec: Record<string, unknown>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** What a data argument becomes in the spec: an Arrow table's rows as plain objects (bigints as numbers), rows as given. */
export function inlineValues(data: unknown): unknown {
  if (!data || typeof data !== "object" || !("toArray" in data)) return data;
  return (data as { toArray(): Array<{ toJSON(): unknown }> }).toArray()
    .map((row) => JSON.parse(JSON.stringify(row.toJSON(), (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v))) as unknown);
}

/**
 * The chart's bundle: spec, SVG and a text line. A spec vega cannot draw still goes out
 * (a front end that draws Vega-Lite may show why); `onDrawFailed` hears the reason.
 */
export async function vegaliteBundle(spec: Record<string, unknown>, onDrawFailed: (message: string) => void): Promise<MimeBundle> {
  const rows = (spec.data as { values?: unknown[] } | undefined)?.values?.length;
  const mark = spec.mark && typeof spec.mark === "object" ? (spec.mark as { type?: unknown }).type : spec.mark;
  const bundle: MimeBundle = { [VEGALITE_MIME]: spec, "text/plain": `<VegaLite chart: ${String(mark ?? "")}${rows === undefined ? "" : `, ${countOf(rows, "row")}`}>` };
  try {
    bundle["image/svg+xml"] = await vegaliteSvg(spec);
  } catch (err) {
    onDrawFailed(`the chart could not be drawn as SVG: ${(err as Error).message}`);
  }
  return bundle;
}
