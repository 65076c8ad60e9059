// Rich output for notebooks: Arrow tables as an HTML table with shape and column types
// plus a text/plain twin; run progress as a small HTML list updated in place; any other
// value as text/plain.
import { inspect } from "node:util";
import { Table } from "apache-arrow";
import { formatTable, formatValue } from "../cli/render-run.js";

export type MimeBundle = Record<string, unknown>;

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function tableBundle(table: Table, title?: string, totalRows = table.numRows, limit = 20): MimeBundle {
  const fields = table.schema.fields;
  const head = fields.map((f) => `<th>${escape(f.name)}<br><small>${escape(String(f.type))}</small></th>`).join("");
  const rows = Array.from({ length: Math.min(limit, table.numRows) }, (_, i) =>
    `<tr>${fields.map((f) => `<td>${escape(formatValue(table.getChild(f.name)!.get(i)))}</td>`).join("")}</tr>`).join("");
  const shape = `${totalRows.toLocaleString("en-US")} rows × ${fields.length} columns`;
  return {
    "text/html": `<div class="lakeloop-table">${title ? `<b>${escape(title)}</b> ` : ""}<small>${shape}</small><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`,
    "text/plain": `${title ? title + " " : ""}(${shape})\n${formatTable(table, limit)}`,
  };
}

export function valueBundle(value: unknown): MimeBundle {
  if (value instanceof Table) return tableBundle(value);
  return { "text/plain": inspect(value, { depth: 4, colors: false }) };
}
