// A node's state as words: a mark and short pieces of detail ("60,000 rows in 143 ms",
// "674 KB fetched"), the same in the REPL's panel, the kernel's progress display and
// the CLI's lines. Each front end lays the pieces out its own way.
import { cachedBytes, type NodeAction, type NodeInstall, type NodeState } from "../run/node-state.js";
import { formatBytes } from "../../lake/format-bytes.js";
import { countOf, groupDigits } from "./format-count.js";

export const NODE_MARKS: Record<NodeAction, string> = {
  planned: "·", running: "…", ran: "✓", reused: "=", failed: "✗", cancelled: "■", skipped: "-",
};

/** "850 ms" is not shown; "4 s", "2 min 05 s", "1 h 03 min". */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** The pieces that say where a node stands; `now` on the clock the reducer was given. */
export function nodeDetail(s: NodeState, now: number = Date.now()): string[] {
  const wrote = s.materialized ? [`wrote ${s.materialized.table} snapshot ${s.materialized.snapshotId}`] : s.notMaterialized ? [`not written: ${s.notMaterialized}`] : [];
  switch (s.action) {
    case "planned": return [s.reason ? `planned (${s.reason})` : "planned"];
    case "running": {
      const elapsed = s.startedAt === undefined ? 0 : now - s.startedAt;
      const time = elapsed >= 1000 ? formatElapsed(elapsed) : "";
      if (s.progress) {
        const { done, total, unit } = s.progress;
        const progress = `${Math.round((100 * done) / Math.max(1, total))}% (${groupDigits(done)} of ${groupDigits(total)} ${unit})`;
        return time ? [progress, time] : [progress];
      }
      return [time ? `running for ${time}` : "running"];
    }
    case "reused": return [`reused (${countOf(s.rows ?? 0, "row")})`, ...wrote];
    case "ran": {
      const cached = cachedBytes(s.read);
      const io = s.read.objectStoreBytes || cached ? [`${formatBytes(s.read.objectStoreBytes)} fetched`, `${formatBytes(cached)} from cache`] : [];
      return [`${countOf(s.rows ?? 0, "row")} in ${groupDigits(Math.round(s.ms ?? 0))} ms`, ...io, ...wrote];
    }
    case "failed": return [(s.error ?? "failed").split("\n")[0]!];
    case "cancelled": return ["cancelled"];
    case "skipped": return [`skipped (${s.error ?? "not needed"})`];
  }
}

/** "simple-statistics@7.8.3: fetched 290 KB in 812 ms" or "...: from the package store". */
export function installDetail(i: NodeInstall): string {
  return i.cached ? "from the package store" : `fetched ${formatBytes(i.bytes)} in ${groupDigits(Math.round(i.ms))} ms`;
}

/** One line of plain text for a node: "✓ euro: 60,000 rows in 143 ms, 674 KB fetched, 0 B from cache". */
export function nodeLine(s: NodeState, now?: number): string {
  return `${NODE_MARKS[s.action]} ${s.name}: ${nodeDetail(s, now).join(", ")}`;
}

/** One line of plain text for a package installed for a node. */
export function installLine(i: NodeInstall): string {
  return `+ ${i.package}@${i.version}: ${installDetail(i)}`;
}
