// A run as the REPL shows it: one row per node, updated from the session's node events
// (a pure reducer, so the DAG panel only renders).
import type { NodeEvent } from "../protocol/messages.js";

export interface NodeRow {
  id: string;
  name: string;
  state: "running" | "done" | "reused" | "failed" | "skipped";
  rows?: number;
  ms?: number;
  fetchedBytes: number;
  cachedBytes: number;
  error?: string;
  /** Progress of a long node (a scan's fragments in hand of its total). */
  progress?: { done: number; total: number; unit: string };
  /** "simple-statistics@7.8.3 (fetched 290 KB)" and the like. */
  installs: string[];
}

export function applyEvent(rows: NodeRow[], e: NodeEvent): NodeRow[] {
  const at = rows.findIndex((r) => r.id === e.node);
  const current: NodeRow = at >= 0 ? rows[at]! : { id: e.node, name: "name" in e ? e.name : e.node, state: "running", fetchedBytes: 0, cachedBytes: 0, installs: [] };
  let next: NodeRow;
  switch (e.type) {
    case "node-started": next = { ...current, state: "running" }; break;
    case "node-progress": next = { ...current, progress: { done: e.done, total: e.total, unit: e.unit } }; break;
    case "node-reused": next = { ...current, state: "reused", rows: e.rows }; break;
    case "node-finished": next = { ...current, state: "done", rows: e.rows, ms: e.ms, fetchedBytes: e.read.objectStoreBytes, cachedBytes: e.read.memoryBytes + e.read.diskBytes }; break;
    case "node-failed": next = { ...current, state: "failed", ms: e.ms, error: e.error.message }; break;
    case "node-skipped": next = { ...current, state: "skipped", error: e.because }; break;
    case "install": next = { ...current, installs: [...current.installs, `${e.package}@${e.version}${e.cached ? "" : ` (fetched ${e.bytes} B)`}`] }; break;
    default: return rows;
  }
  return at >= 0 ? rows.map((r, i) => (i === at ? next : r)) : [...rows, next];
}
