// What happened to each node of a run, folded from the worker's node events: the one
// reducer every front end (the REPL's live panel, the kernel's progress display, the
// CLI's lines) and the session's run report read. A new event field lands here and in
// the presenters (engine/present/), nowhere else.
import type { NodeEvent, NodeProfile, ReadStats } from "../../protocol/messages.js";
import type { NodeKind } from "../../protocol/plan.js";

/** Where a node stands: planned (nothing heard yet), running, or how it ended. */
export type NodeAction = "planned" | "running" | "ran" | "reused" | "failed" | "cancelled" | "skipped";

/** A package installed for a node's model. */
export interface NodeInstall {
  package: string;
  version: string;
  bytes: number;
  ms: number;
  /** Found in the package store (nothing fetched). */
  cached: boolean;
}

export interface NodeState {
  /** The node's fingerprint (the worker's id for it). */
  id: string;
  name: string;
  /** Known when the state came from the plan. */
  kind?: NodeKind;
  action: NodeAction;
  /** Why the planner runs or reuses it ("never-run", "input changed", ...). */
  reason?: string;
  rows?: number;
  ms?: number;
  /** Bytes and fragments the node read, by tier (zero until it finished). */
  read: ReadStats;
  /** When it started, on the clock given to the reducer. */
  startedAt?: number;
  /** A long node's progress (a scan's fragments in hand of its total). */
  progress?: { done: number; total: number; unit: string };
  /** Why it failed (the first line is the message a user reads); or why it was skipped. */
  error?: string;
  /** The failure's code (NODE_CANCELLED, MODEL_TIMEOUT, ...). */
  code?: string;
  stack?: string;
  /** The table and snapshot the run wrote (at once, or once the node's blocking expectations passed). */
  materialized?: { table: string; snapshotId: number };
  /** Why a materialization asked for was not written (a blocking expectation failed). */
  notMaterialized?: string;
  installs: NodeInstall[];
  profile?: NodeProfile;
}

const CANCEL_CODES = new Set(["NODE_CANCELLED", "MODEL_CANCELLED"]);

export function emptyReadStats(): ReadStats {
  return { memoryBytes: 0, diskBytes: 0, objectStoreBytes: 0, memoryFragments: 0, diskFragments: 0, fetchedFragments: 0 };
}

/** Bytes served without the object store: the memory and disk tiers. */
export function cachedBytes(read: ReadStats): number {
  return read.memoryBytes + read.diskBytes;
}

/** A run's nodes before any event: as the plan has them. */
export function plannedStates(nodes: { id: string; name: string; kind: NodeKind; reason: string }[]): NodeState[] {
  return nodes.map((n) => ({ id: n.id, name: n.name, kind: n.kind, reason: n.reason, action: "planned", read: emptyReadStats(), installs: [] }));
}

/**
 * The states after one event (a new array; the others are kept as they were, so a
 * renderer can compare). A node first heard of is added at the end.
 */
export function applyNodeEvent(states: readonly NodeState[], e: NodeEvent, now: number = Date.now()): NodeState[] {
  const at = states.findIndex((s) => s.id === e.node);
  const current: NodeState = at >= 0 ? states[at]! : { id: e.node, name: "name" in e ? e.name : e.node, action: "running", read: emptyReadStats(), installs: [] };
  const next = nextState(current, e, now);
  if (next === current) return [...states];
  return at >= 0 ? states.map((s, i) => (i === at ? next : s)) : [...states, next];
}

function nextState(s: NodeState, e: NodeEvent, now: number): NodeState {
  switch (e.type) {
    case "node-started": return { ...s, action: "running", startedAt: now };
    case "node-progress": return { ...s, action: "running", startedAt: s.startedAt ?? now, progress: { done: e.done, total: e.total, unit: e.unit } };
    case "node-reused": return { ...s, action: "reused", rows: e.rows, ...(e.materialized ? { materialized: e.materialized } : {}) };
    case "node-finished": return {
      ...s, action: "ran", rows: e.rows, ms: e.ms, read: e.read, progress: undefined,
      ...(e.materialized ? { materialized: e.materialized } : {}), ...(e.profile ? { profile: e.profile } : {}),
    };
    case "node-failed": return {
      ...s, action: CANCEL_CODES.has(e.error.code) ? "cancelled" : "failed", ms: e.ms, error: e.error.message, code: e.error.code, progress: undefined,
      ...(e.error.stack ? { stack: e.error.stack } : {}),
    };
    case "node-skipped": return { ...s, action: "skipped", error: e.because };
    case "node-materialized": return { ...s, materialized: e.materialized };
    case "materialize-skipped": return { ...s, notMaterialized: e.because };
    case "install": return { ...s, installs: [...s.installs, { package: e.package, version: e.version, bytes: e.bytes, ms: e.ms, cached: e.cached }] };
    default: return s;
  }
}

/** Every state folded from a list of events. */
export function foldNodeEvents(states: readonly NodeState[], events: readonly NodeEvent[], now?: number): NodeState[] {
  return events.reduce<NodeState[]>((acc, e) => applyNodeEvent(acc, e, now), [...states]);
}
