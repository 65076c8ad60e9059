// The run as it happens: one line per node with its state, rows, time and where its
// bytes came from (object store vs cache), plus packages installed for it, in the
// engine's words (engine/present/node-lines.ts) and this panel's colours. Given a row
// budget (while live, so the screen is not redrawn whole) it shows the latest nodes and
// counts the earlier ones.
import { Box, Text } from "ink";
import type { NodeAction, NodeState } from "../../engine/index.js";
import { countOf } from "../../engine/present/format-count.js";
import { installLine, NODE_MARKS, nodeDetail } from "../../engine/present/node-lines.js";

const COLORS: Record<NodeAction, string> = {
  planned: "gray", running: "yellow", ran: "green", reused: "cyan", failed: "red", cancelled: "yellow", skipped: "gray",
};

/** The words after a node's name; a running scan's progress gets a bar first. */
function describe(r: NodeState): string {
  const detail = nodeDetail(r).join(", ");
  return r.action === "running" && r.progress ? `  ${bar(r.progress.done / Math.max(1, r.progress.total))} ${detail}` : `  ${detail}`;
}

/** Terminal rows one node takes at `width` columns. */
function heightOf(r: NodeState, width: number): number {
  const rowsOf = (s: string) => Math.max(1, Math.ceil(s.length / Math.max(1, width)));
  return rowsOf(`${NODE_MARKS[r.action]} ${r.name}${describe(r)}`) + r.installs.reduce((n, i) => n + rowsOf(`    ${installLine(i)}`), 0);
}

/** The nodes that fit `maxRows` (the latest ones, a row kept to count the others), and the rows they take. */
export function fitNodes(rows: NodeState[], maxRows: number, width: number): { shown: NodeState[]; hidden: number; height: number } {
  const heights = rows.map((r) => heightOf(r, width));
  const total = heights.reduce((a, b) => a + b, 0);
  if (total <= maxRows) return { shown: rows, hidden: 0, height: total };
  let from = rows.length;
  let used = 1;
  while (from > 0 && used + heights[from - 1]! <= maxRows) used += heights[--from]!;
  return { shown: rows.slice(from), hidden: from, height: used };
}

export function DagPanel({ rows, maxRows, width = 100 }: { rows: NodeState[]; maxRows?: number; width?: number }) {
  const { shown, hidden } = maxRows === undefined ? { shown: rows, hidden: 0 } : fitNodes(rows, maxRows, width);
  return (
    <Box flexDirection="column">
      {hidden ? <Text color="gray">{`… ${countOf(hidden, "earlier node")}`}</Text> : null}
      {shown.map((r) => (
        <Box key={r.id} flexDirection="column">
          <Text>
            <Text color={COLORS[r.action]}>{NODE_MARKS[r.action]} </Text>
            <Text bold>{r.name}</Text>
            <Text color="gray">{describe(r)}</Text>
          </Text>
          {r.installs.map((i) => <Text key={`${i.package}@${i.version}`} color="gray">{`    ${installLine(i)}`}</Text>)}
        </Box>
      ))}
    </Box>
  );
}

/** A 20-cell progress bar. */
export function bar(fraction: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * 20);
  return `[${"█".repeat(filled)}${"░".repeat(20 - filled)}]`;
}
