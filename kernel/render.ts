// Rich output for notebooks: an Arrow table as an HTML table (name, shape, each column's
// type in the lake's words, numbers right-aligned with grouped digits, text left, a note
// when only the first rows are shown) with a text/plain twin laid out the same way; any
// other value as text/plain.
import { inspect } from "node:util";
import { Table } from "apache-arrow";
import { countOf } from "../engine/present/format-count.js";
import { formatColumns, type FormattedColumn } from "./table-cells.js";

export type MimeBundle = Record<string, unknown>;

export const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

// Inline styles, not a stylesheet: front ends keep style attributes of trusted output,
// and the classic Notebook centers tables and right-aligns every cell by default.
const CELL_STYLE = {
  left: "text-align:left",
  right: "text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums",
} as const;
const NULL_HTML = `<span style="color:#999">NULL</span>`;

function cellStyle(column: FormattedColumn): string {
  // Dates and timestamps are single tokens: never wrapped at their dashes.
  return column.align === "right" ? CELL_STYLE.right : column.type.startsWith("date") || column.type.startsWith("timestamp") ? `${CELL_STYLE.left};white-space:nowrap` : CELL_STYLE.left;
}

function htmlTable(columns: FormattedColumn[], rows: number): string {
  const head = columns.map((c) => `<th style="${cellStyle(c)}">${escapeHtml(c.name)}<br><small style="font-weight:normal;color:#666">${escapeHtml(c.type)}</small></th>`).join("");
  const body = Array.from({ length: rows }, (_, i) =>
    `<tr>${columns.map((c) => `<td style="${cellStyle(c)}">${c.cells[i] === null ? NULL_HTML : escapeHtml(c.cells[i]!)}</td>`).join("")}</tr>`).join("");
  return `<table style="margin-left:0;margin-right:auto"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const MAX_WIDTH = 40;
const fit = (text: string, width: number, align: "left" | "right") => {
  const clipped = text.length > width ? `${text.slice(0, width - 1)}…` : text;
  return align === "right" ? clipped.padStart(width) : clipped.padEnd(width);
};

function plainTable(columns: FormattedColumn[], rows: number): string {
  const widths = columns.map((c) => Math.min(MAX_WIDTH, Math.max(c.name.length, c.type.length, ...c.cells.map((v) => (v ?? "NULL").length))));
  const line = (texts: string[]) => texts.map((t, i) => fit(t, widths[i]!, columns[i]!.align)).join("  ").trimEnd();
  return [
    line(columns.map((c) => c.name)),
    line(columns.map((c) => c.type)),
    widths.map((w) => "─".repeat(w)).join("  "),
    ...Array.from({ length: rows }, (_, r) => line(columns.map((c) => c.cells[r] ?? "NULL"))),
  ].join("\n");
}

/** `totalRows`: the rows the table has in full, when `table` holds only its first ones. */
export function tableBundle(table: Table, title?: string, totalRows = table.numRows, limit = 20): MimeBundle {
  const columns = formatColumns(table, limit);
  const shown = Math.min(limit, table.numRows);
  const shape = `${countOf(totalRows, "row")} × ${countOf(columns.length, "column")}`;
  const note = shown < totalRows ? `first ${shown.toLocaleString("en-US")} of ${countOf(totalRows, "row")}` : "";
  return {
    "text/html": `<div class="lakeloop-table">${title ? `<b>${escapeHtml(title)}</b> ` : ""}<small>${shape}</small>` +
      htmlTable(columns, shown) + (note ? `<small>${note}</small>` : "") + `</div>`,
    "text/plain": `${title ? title + " " : ""}(${shape})\n${plainTable(columns, shown)}${note ? `\n${note}` : ""}`,
  };
}

export function valueBundle(value: unknown): MimeBundle {
  if (value instanceof Table) return tableBundle(value);
  return { "text/plain": inspect(value, { depth: 4, colors: false }) };
}
