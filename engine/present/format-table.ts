// A table's first rows as plain text, columns padded (at most 40 characters a cell), for
// terminals and scripts.
import type { Table } from "apache-arrow";
import { formatCell } from "./format-value.js";

const MAX_WIDTH = 40;

export function formatTable(table: Table, limit = 10): string {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((_, i) => table.getChildAt(i)!);
  const rows = Array.from({ length: Math.min(limit, table.numRows) }, (_, i) => columns.map((c) => formatCell(c, i) ?? "NULL"));
  const widths = names.map((n, c) => Math.min(MAX_WIDTH, Math.max(n.length, ...rows.map((r) => r[c]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => c.slice(0, MAX_WIDTH).padEnd(widths[i]!)).join("  ");
  return [line(names), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
