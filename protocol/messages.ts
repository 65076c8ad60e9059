// The worker protocol, version 2 (version 2: branches, node profiles, plan contract by kind): what the engine's WorkerClient (zeromq DEALER) and
// the WorkerServer (zeromq ROUTER) say to each other. Every message is a multipart
// zeromq message: one JSON frame (a Message below) followed by zero or more Arrow IPC
// stream frames (data; never JSON). Requests carry an `id`; every reply and event for
// that request repeats it.
import type { ScanSpec, WorkerPlan } from "./plan.js";

/** Stamped on every message by the wire (protocol/wire.ts), and checked there: nowhere else. */
export const PROTOCOL_VERSION = 2;

/** Bytes and fragments a node read, by tier. */
export interface ReadStats {
  memoryBytes: number;
  diskBytes: number;
  objectStoreBytes: number;
  memoryFragments: number;
  diskFragments: number;
  fetchedFragments: number;
}

/** What a worker's column cache did since it started, and holds now (the status reply's `cache`). */
export interface CacheStatus {
  memoryBytes: number;
  memoryFragments: number;
  memoryBound: number;
  /** The disk tier's folder and what it holds; null when the tier is off. */
  disk: { dir: string; fragments: number; bytes: number } | null;
  totals: {
    fragments: { memory: number; disk: number; fetched: number };
    /** memory: decoded bytes reused; disk: bytes read from cache files; objectStore: bytes transferred. */
    bytes: { memory: number; disk: number; objectStore: number };
    requests: number;
    corruptions: number;
    rowsScanned: number;
    rowsDeleted: number;
    rowsReturned: number;
    ms: { total: number; read: number; decode: number; filter: number };
  };
}

export interface ErrorInfo {
  code: string;
  message: string;
  /** Model source location when the error comes from user code. */
  where?: { cell?: string; line?: number; column?: number };
  stack?: string;
}

/**
 * Where a node's time went, in milliseconds by phase: a scan's plan, fetch (object store
 * and disk), decode and filter; a TypeScript model's hand-off (inputs described and lent),
 * thread (to and from its warm thread), model (its own code) and check (inputs unchanged,
 * output well-formed); a SQL node's sql-in (inputs registered), sql (the query) and
 * sql-out (the result to Arrow); materialize. `lakeloop run --profile` prints these.
 */
export type ProfilePhase = "plan" | "fetch" | "decode" | "filter" | "hand-off" | "thread" | "model" | "check" | "sql-in" | "sql" | "sql-out" | "materialize";
export type NodeProfile = Partial<Record<ProfilePhase, number>>;
export const PROFILE_PHASES: ProfilePhase[] = ["plan", "fetch", "decode", "filter", "hand-off", "thread", "model", "check", "sql-in", "sql", "sql-out", "materialize"];

export type NodeEvent =
  | { type: "node-started"; node: string; name: string; at: number }
  | { type: "node-progress"; node: string; name: string; done: number; total: number; unit: "fragments" | "bytes" | "rows" }
  | { type: "node-reused"; node: string; name: string; rows: number; materialized?: { table: string; snapshotId: number } }
  | { type: "node-finished"; node: string; name: string; rows: number; ms: number; read: ReadStats; materialized?: { table: string; snapshotId: number }; profile?: NodeProfile }
  | { type: "node-failed"; node: string; name: string; ms: number; error: ErrorInfo }
  | { type: "node-skipped"; node: string; name: string; because: string }
  /** A materialization that waited for the node's blocking expectations, written once they passed. */
  | { type: "node-materialized"; node: string; name: string; materialized: { table: string; snapshotId: number }; ms: number }
  /** A materialization not written: a blocking expectation of the node failed (named in `expectations`). */
  | { type: "materialize-skipped"; node: string; name: string; table: string; because: string; expectations: string[] }
  | { type: "install"; node: string; package: string; version: string; bytes: number; ms: number; cached: boolean };

export interface RunSummary {
  ran: number;
  reused: number;
  failed: number;
  skipped: number;
  ms: number;
  read: ReadStats;
}

/** Client -> worker. */
export type Request =
  | { type: "hello"; id: string; session: string }
  | { type: "run"; id: string; plan: WorkerPlan; previewRows?: number; previewFrom?: "head" | "tail" }
  | { type: "cancel"; id: string; run: string }
  | { type: "fetch"; id: string; node: string; batchRows?: number }
  | { type: "has"; id: string; nodes: string[] }
  /** What each scan would read now (the plan's own ScanSpec, by node), without running it. */
  | { type: "diff"; id: string; scans: (ScanSpec & { node: string })[] }
  | { type: "status"; id: string }
  | { type: "ping"; id: string }
  | { type: "release"; id: string; nodes: string[] }
  | { type: "bye"; id: string };

/** Worker -> client. A `preview` and a `batch` are followed by one Arrow IPC stream frame. */
export type Reply =
  | { type: "welcome"; id: string; worker: { pid: number; version: string; memoryBudget: number; lake?: string } }
  | { type: "event"; id: string; event: NodeEvent }
  | { type: "preview"; id: string; node: string; name: string; rows: number; schema: { name: string; type: string }[] }
  | { type: "run-finished"; id: string; summary: RunSummary; cancelled: boolean }
  | { type: "batch"; id: string; node: string; index: number }
  | { type: "fetch-finished"; id: string; node: string; rows: number; batches: number }
  | { type: "has"; id: string; resident: string[] }
  | { type: "diff"; id: string; diffs: { node: string; summary: string; memoryBytes: number; diskBytes: number; fetchBytes: number }[] }
  | { type: "status"; id: string; resident: { node: string; name: string; rows: number; bytes: number }[]; memoryBytes: number; memoryBudget: number; cache: CacheStatus | null; engine: { sql: "native" | "js"; reason: string } | null; process?: { rssBytes: number; maxRssBytes: number }; runs: number; clients: number }
  | { type: "pong"; id: string }
  | { type: "ok"; id: string }
  | { type: "error"; id: string; error: ErrorInfo };
