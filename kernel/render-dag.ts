// The DAG for a notebook: an SVG drawing of the laid-out plan (boxes per node, colored
// by run or reuse, arrows from inputs to readers), with a text form for plain clients.
import { dagAsText, type DagLayout } from "../engine/plan/layout-dag.js";
import type { MimeBundle } from "./render.js";

const BOX = { height: 62, gapX: 50, gapY: 18, pad: 12, charWidth: 7.4 };
const FILL = { run: "#fff4d6", reuse: "#e3f2e1", idle: "#f2f2f2" } as const;
const STROKE = { run: "#c98a00", reuse: "#3b8a3e", idle: "#999999" } as const;

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function dagBundle(layout: DagLayout): MimeBundle {
  return { "image/svg+xml": dagSvg(layout), "text/plain": dagAsText(layout) };
}

/** A node's title and, for a scan, its filter on a line of its own. */
function linesOf(name: string): [string, string] {
  const where = name.indexOf(" where ");
  return where < 0 ? [name, ""] : [name.slice(0, where), name.slice(where + 1)];
}

export function dagSvg(layout: DagLayout): string {
  const longest = Math.max(24, ...layout.nodes.map((n) => Math.min(56, Math.max(...linesOf(n.name).map((l) => l.length)))));
  const boxWidth = Math.round(longest * BOX.charWidth + 16);
  const at = new Map(layout.nodes.map((n) => [n.key, {
    x: BOX.pad + n.layer * (boxWidth + BOX.gapX),
    y: BOX.pad + n.row * (BOX.height + BOX.gapY),
  }]));
  const rows = Math.max(1, ...layout.nodes.map((n) => n.row + 1));
  const width = BOX.pad * 2 + layout.layers * boxWidth + (layout.layers - 1) * BOX.gapX;
  const height = BOX.pad * 2 + rows * BOX.height + (rows - 1) * BOX.gapY;
  const edges = layout.edges.map(({ from, to }) => {
    const a = at.get(from)!, b = at.get(to)!;
    const x1 = a.x + boxWidth, y1 = a.y + BOX.height / 2, x2 = b.x, y2 = b.y + BOX.height / 2;
    const mid = (x1 + x2) / 2;
    return `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 6},${y2}" fill="none" stroke="#777" marker-end="url(#arrow)"/>`;
  });
  const boxes = layout.nodes.map((n) => {
    const { x, y } = at.get(n.key)!;
    const label = n.kind === "scan" ? "scan" : n.kind === "ts" ? "TypeScript" : "SQL";
    const [title, filter] = linesOf(n.name);
    return `<g><title>${escape(`${n.name}: ${n.action} (${n.reason})`)}</title>` +
      `<rect x="${x}" y="${y}" width="${boxWidth}" height="${BOX.height}" rx="6" fill="${FILL[n.action]}" stroke="${STROKE[n.action]}"/>` +
      `<text x="${x + 8}" y="${y + 19}" font-size="13" font-weight="bold">${escape(clip(title, 56))}</text>` +
      (filter ? `<text x="${x + 8}" y="${y + 35}" font-size="11" fill="#333">${escape(clip(filter, 56))}</text>` : "") +
      `<text x="${x + 8}" y="${y + 52}" font-size="11" fill="#555">${escape(`${label} · ${n.action} (${n.reason})`)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>` +
    edges.join("") + boxes.join("") + `</svg>`;
}
