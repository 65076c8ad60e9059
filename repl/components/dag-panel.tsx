// The run as it happens: one line per node with its state, rows, time and where its
// bytes came from (object store vs cache), plus packages installed for it.
import { Box, Text } from "ink";
import { formatBytesShort } from "../../cache/diff.js";
import type { NodeRow } from "../run-state.js";

const MARK: Record<NodeRow["state"], { mark: string; color: string }> = {
  running: { mark: "…", color: "yellow" },
  done: { mark: "✓", color: "green" },
  reused: { mark: "=", color: "cyan" },
  failed: { mark: "✗", color: "red" },
  skipped: { mark: "-", color: "gray" },
};

export function DagPanel({ rows }: { rows: NodeRow[] }) {
  return (
    <Box flexDirection="column">
      {rows.map((r) => (
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
  if (r.state === "reused") return `  reused, ${(r.rows ?? 0).toLocaleString("en-US")} rows`;
  if (r.state === "failed") return `  failed: ${r.error ?? ""}`;
  if (r.state === "skipped") return `  skipped (${r.error ?? ""})`;
  const io = r.fetchedBytes || r.cachedBytes ? `, ${formatBytesShort(r.fetchedBytes)} fetched, ${formatBytesShort(r.cachedBytes)} from cache` : "";
  return `  ${(r.rows ?? 0).toLocaleString("en-US")} rows in ${(r.ms ?? 0).toFixed(0)} ms${io}`;
}

/** A 20-cell progress bar. */
export function bar(fraction: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * 20);
  return `[${"█".repeat(filled)}${"░".repeat(20 - filled)}]`;
}
