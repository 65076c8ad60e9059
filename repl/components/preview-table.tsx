// A result that fits the terminal: as many columns as the width allows (the rest
// counted), each headed by its name and Arrow type, one page of rows, and the row count
// (with the `.more` hint on every page but the last).
import { Box, Text } from "ink";
import type { Table } from "apache-arrow";
import { formatCell } from "../../cli/format-value.js";
import { countOf } from "../../cli/format-count.js";

export const PAGE_ROWS = 10;

export function PreviewTable({ name, table, totalRows, offset = 0, width }: { name: string; table: Table; totalRows: number; offset?: number; width: number }) {
  const fields = table.schema.fields;
  const end = Math.min(table.numRows, offset + PAGE_ROWS);
  const columns = fields.map((_, c) => table.getChildAt(c)!);
  const cells = (i: number) => columns.map((column) => formatCell(column, i) ?? "NULL");
  const rows = Array.from({ length: end - offset }, (_, k) => cells(offset + k));
  const types = fields.map((f) => shortType(String(f.type)));
  const widths = fields.map((f, c) => Math.min(32, Math.max(f.name.length, types[c]!.length, ...rows.map((r) => r[c]!.length))));
  // Keep the columns that fit, two spaces between.
  let used = 0;
  let shown = 0;
  for (const w of widths) {
    if (used + w + (shown ? 2 : 0) > width) break;
    used += w + (shown ? 2 : 0);
    shown++;
  }
  shown = Math.max(1, shown);
  const line = (values: string[]) => values.slice(0, shown).map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join("  ");
  const hidden = fields.length - shown;
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{name}</Text>
        <Text color="gray">{`  ${countOf(totalRows, "row")} × ${countOf(fields.length, "column")}${hidden ? ` (${hidden} not shown: ${fields.slice(shown).map((f) => f.name).join(", ")})` : ""}`}</Text>
      </Text>
      <Text bold>{line(fields.map((f) => f.name))}</Text>
      <Text color="gray">{line(types)}</Text>
      {rows.map((r, i) => <Text key={i}>{line(r)}</Text>)}
      {end < totalRows ? <Text color="gray">{pageLine(offset + 1, end, totalRows, width)}</Text> : null}
    </Box>
  );
}

/** "rows 11–20 of 3,000; .more for the next page", shorter when the width is narrow. */
function pageLine(from: number, to: number, total: number, width: number): string {
  const rows = `rows ${from}–${to} of ${total.toLocaleString("en-US")}`;
  const full = `${rows}; .more for the next page`;
  return full.length <= width ? full : `${rows}; .more`;
}

function shortType(type: string): string {
  return type.replace(/^Timestamp<\w+, .+>$/, "timestamptz").replace(/^Timestamp<\w+>$/, "timestamp").replace(/^Date\d*<\w+>$/, "date")
    .replace(/^Dictionary<.*, (\w+)>$/, "$1").toLowerCase();
}
