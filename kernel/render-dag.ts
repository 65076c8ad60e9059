// The DAG for a notebook: an SVG drawing of the laid-out plan (boxes per node, colored
// by run or reuse, arrows from inputs to readers), with a text form for plain clients.
// The drawing scales down to the output's width (a viewBox, width 100%, its natural
// width as the most); long names and filters wrap onto a few short lines and the rest
// is elided, the full text showing on hover.
import { dagAsText, type DagLayout, type LaidOutNode } from "../engine/plan/layout-dag.js";
import { escapeHtml, type MimeBundle } from "./render.js";

const BOX = { gapX: 40, gapY: 16, pad: 10, charWidth: 7.2, lineHeight: 15, lineChars: 32, titleLines: 2, filterLines: 2 };
const FILL = { run: "#fff4d6", reuse: "#e3f2e1", idle: "#f2f2f2" } as const;
const STROKE = { run: "#c98a00", reuse: "#3b8a3e", idle: "#999999" } as const;

export function dagBundle(layout: DagLayout): MimeBundle {
  return { "image/svg+xml": dagSvg(layout), "text/plain": dagAsText(layout) };
}

/** Greedy word wrap to lines of at most `width` characters, at most `maxLines` of them; what does not fit ends in "…". */
export function wrapText(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/(?<=[ ,])/)) {
    for (let rest = word; rest; ) {
      if ((line + rest).trimEnd().length <= width) { line += rest; rest = ""; continue; }
      if (line) { lines.push(line.trimEnd()); line = ""; continue; }
      lines.push(rest.slice(0, width)); // a word longer than a line is cut
      rest = rest.slice(width);
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, width - 1).trimEnd()}…`;
  return kept;
}

interface NodeText { title: string[]; filter: string[]; status: string }

/** A node's name (a scan's filter on lines of its own) and its kind, action and reason. */
function textOf(n: LaidOutNode): NodeText {
  const where = n.name.indexOf(" where ");
  const title = where < 0 ? n.name : n.name.slice(0, where);
  const filter = where < 0 ? "" : n.name.slice(where + 1);
  const kind = n.kind === "scan" ? "scan" : n.kind === "ts" ? "TypeScript" : "SQL";
  return {
    title: wrapText(title, BOX.lineChars, BOX.titleLines),
    filter: filter ? wrapText(filter, BOX.lineChars, BOX.filterLines) : [],
    status: wrapText(`${kind} · ${n.action} (${n.reason})`, BOX.lineChars, 1)[0]!,
  };
}

export function dagSvg(layout: DagLayout): string {
  const texts = new Map(layout.nodes.map((n) => [n.key, textOf(n)]));
  const lineCount = (t: NodeText) => t.title.length + t.filter.length + 1;
  const lines = Math.max(2, ...[...texts.values()].map(lineCount));
  const longest = Math.max(20, ...[...texts.values()].flatMap((t) => [...t.title, ...t.filter, t.status].map((l) => l.length)));
  const boxWidth = Math.round(longest * BOX.charWidth + 16);
  const boxHeight = lines * BOX.lineHeight + 16;
  const at = new Map(layout.nodes.map((n) => [n.key, {
    x: BOX.pad + n.layer * (boxWidth + BOX.gapX),
    y: BOX.pad + n.row * (boxHeight + BOX.gapY),
  }]));
  const rows = Math.max(1, ...layout.nodes.map((n) => n.row + 1));
  const width = BOX.pad * 2 + layout.layers * boxWidth + (layout.layers - 1) * BOX.gapX;
  const height = BOX.pad * 2 + rows * boxHeight + (rows - 1) * BOX.gapY;
  const edges = layout.edges.map(({ from, to }) => {
    const a = at.get(from)!, b = at.get(to)!;
    const x1 = a.x + boxWidth, y1 = a.y + boxHeight / 2, x2 = b.x, y2 = b.y + boxHeight / 2;
    const mid = (x1 + x2) / 2;
    return `<path d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 6},${y2}" fill="none" stroke="#777" marker-end="url(#arrow)"/>`;
  });
  const boxes = layout.nodes.map((n) => {
    const { x, y } = at.get(n.key)!;
    const t = texts.get(n.key)!;
    const line = (text: string, i: number, attributes: string) => `<text x="${x + 8}" y="${y + 19 + i * BOX.lineHeight}" ${attributes}>${escapeHtml(text)}</text>`;
    return `<g><title>${escapeHtml(`${n.name}: ${n.action} (${n.reason})`)}</title>` +
      `<rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" rx="6" fill="${FILL[n.action]}" stroke="${STROKE[n.action]}"/>` +
      t.title.map((l, i) => line(l, i, `font-size="13" font-weight="bold"`)).join("") +
      t.filter.map((l, i) => line(l, t.title.length + i, `font-size="11" fill="#333"`)).join("") +
      line(t.status, lines - 1, `font-size="11" fill="#555"`) + `</g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${width} ${height}" style="max-width:${width}px" font-family="sans-serif">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>` +
    edges.join("") + boxes.join("") + `</svg>`;
}
