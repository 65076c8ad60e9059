// The run as it happens: one line per node with its state, rows, time and where its
// bytes came from (object store vs cache), plus packages installed for it. Given a row
// budget (while live, so the screen is not redrawn whole) it shows the latest nodes and
// counts the earlier ones.
import { Box, Text } from "ink";
import { formatBytesShort } from "../../cache/diff.js";
import { countOf } from "../../cli/format-count.js";
import type { NodeRow } from "../run-state.js";

const MARK: Record<NodeRow["state"], { mark: string; color: string }> = {
  running: { mark: "…", color: "yellow" },
  done: { mark: "✓", color: "green" },
  reused: { mark: "=", color: "cyan" },
  failed: { mark: "✗", color: "red" },
  skipped: { mark: "-", color: "gray" },
};

/** Terminal rows one node takes at `width` columns. */
function heightOf(r: NodeRow, width: number): number {
  const rowsOf = (s: string) => Math.max(1, Math.ceil(s.length / Math.max(1, width)));
  return rowsOf(`${MARK[r.state].mark} ${r.name}${describe(r)}`) + r.installs.reduce((n, i) => n + rowsOf(`    + ${i}`), 0);
}

/** The nodes that fit `maxRows` (the latest ones, a row kept to count the others), and the rows they take. */
export function fitNodes(rows: NodeRow[], maxRows: number, width: number): { shown: NodeRow[]; hidden: number; height: number } {
  const heights = rows.map((r) => heightOf(r, width));
  const total = heights.reduce((a, b) => a + b, 0);
  if (total <= maxRows) return { shown: rows, hidden: 0, height: total };
  let from = rows.length;
  let used = 1;
  while (from > 0 && used + heights[from - 1]! <= maxRows) used += heights[--from]!;
  return { shown: rows.slice(from), hidden: from, height: used };
}

export function DagPanel({ rows, maxRows, width = 100 }: { rows: NodeRow[]; maxRows?: number; width?: number }) {
  const { shown, hidden } = maxRows === undefined ? { shown: rows, hidden: 0 } : fitNodes(rows, maxRows, width);
  return (
    <Box flexDirection="column">
      {hidden ? <Text color="gray">{`… ${countOf(hidden, "earlier node")}`}</Text> : null}
      {shown.map((r) => (
        <Box key={r.id} flexDirection="column">
          <Text>
            <Text color={MARK[r.state].color}>{MARK[r.state].mark} </Text>
            <Text bold>{r.name}</Text>
            <Text color="gray">{describe(r)}</Text>
          </Text>
          {r.installs.map((i) => <Text key={i} color="gray">{`    + ${i}`}</Text>)}
        </Box>
      ))}
    </Box>
  );
}

function describe(r: NodeRow): string {
  if (r.state === "running") return r.progress ? `  ${bar(r.progress.done / r.progress.total)} ${r.progress.done}/${r.progress.total} ${r.progress.unit}` : "  running";
  if (r.state === "reused") return `  reused, ${countOf(r.rows ?? 0, "row")}`;
  if (r.state === "failed") return `  failed: ${r.error ?? ""}`;
  if (r.state === "skipped") return `  skipped (${r.error ?? ""})`;
  const io = r.fetchedBytes || r.cachedBytes ? `, ${formatBytesShort(r.fetchedBytes)} fetched, ${formatBytesShort(r.cachedBytes)} from cache` : "";
  return `  ${countOf(r.rows ?? 0, "row")} in ${(r.ms ?? 0).toFixed(0)} ms${io}`;
}

/** A 20-cell progress bar. */
export function bar(fraction: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * 20);
  return `[${"█".repeat(filled)}${"░".repeat(20 - filled)}]`;
}
