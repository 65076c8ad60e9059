// Plain-text rendering of a run for the terminal and for scripts: node events as they
// happen, previews as small tables, a one-line summary.
import type { Table } from "apache-arrow";
import type { NodeEvent } from "../protocol/messages.js";
import type { RunReport } from "../engine/session.js";
import { formatBytesShort } from "../cache/diff.js";
import { countOf } from "./format-count.js";
import { summarizeExpectations } from "../engine/expect/expectation-results.js";
import { formatCell, formatValue } from "./format-value.js";

export function formatEvent(e: NodeEvent): string | undefined {
  switch (e.type) {
    case "node-started": return `  … ${e.name}`;
    case "node-reused": return `  = ${e.name}: reused (${countOf(e.rows, "row")})${e.materialized ? `, wrote ${e.materialized.table} snapshot ${e.materialized.snapshotId}` : ""}`;
    case "node-finished": {
      const cached = e.read.memoryBytes + e.read.diskBytes;
      const io = e.read.objectStoreBytes || cached ? `, ${formatBytesShort(e.read.objectStoreBytes)} fetched, ${formatBytesShort(cached)} from cache` : "";
      return `  ✓ ${e.name}: ${countOf(e.rows, "row")} in ${e.ms.toFixed(0)} ms${io}${e.materialized ? `, wrote ${e.materialized.table} snapshot ${e.materialized.snapshotId}` : ""}`;
    }
    case "node-failed": return `  ✗ ${e.name}: ${e.error.message}${e.error.stack ? "\n" + e.error.stack.split("\n").slice(0, 6).map((l) => "      " + l.trim()).join("\n") : ""}`;
    case "node-skipped": return `  - ${e.name}: skipped (${e.because})`;
    case "node-materialized": return `  ✓ ${e.name}: wrote ${e.materialized.table} snapshot ${e.materialized.snapshotId} (its expectations passed)`;
    case "materialize-skipped": return `  ✗ ${e.name}: not written to ${e.table}: ${e.because}`;
    case "install": return e.cached
      ? `  + ${e.package}@${e.version}: from the package store`
      : `  + ${e.package}@${e.version}: fetched ${formatBytesShort(e.bytes)} in ${e.ms.toFixed(0)} ms`;
    default: return undefined;
  }
}

export { formatValue };

export function formatTable(table: Table, limit = 10): string {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((_, i) => table.getChildAt(i)!);
  const rows = Array.from({ length: Math.min(limit, table.numRows) }, (_, i) => columns.map((c) => formatCell(c, i) ?? "NULL"));
  const widths = names.map((n, c) => Math.min(40, Math.max(n.length, ...rows.map((r) => r[c]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => c.slice(0, 40).padEnd(widths[i]!)).join("  ");
  return [line(names), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function summarize(report: RunReport): string {
  const ran = report.nodes.filter((n) => n.action === "ran").length;
  const reused = report.nodes.filter((n) => n.action === "reused").length;
  const failed = report.nodes.filter((n) => n.action === "failed").length;
  const checks = summarizeExpectations(report);
  return `${reused} reused, ${ran} ran${failed ? `, ${failed} failed` : ""}, ${formatBytesShort(report.summary.read.objectStoreBytes)} fetched, ` +
    `${formatBytesShort(report.summary.read.memoryBytes + report.summary.read.diskBytes)} from cache, ${report.summary.ms.toFixed(0)} ms${checks ? `; ${checks}` : ""}`;
}
