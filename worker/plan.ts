// The plan contract between the engine (which makes it from metadata) and the worker
// (which executes it on data): plain JSON, so it crosses the process boundary as is.
// A node's id is its fingerprint: equal ids are equal outputs, whoever asks.

export interface ScanSpec {
  /** Qualified table name ("ns.table"). */
  table: string;
  /** Pinned by the planner so the worker reads exactly what was planned. */
  snapshotId: number | null;
  columns: string[];
  filter?: string;
  /** "off": read every fragment from the object store, bypassing the cache (`lakeloop run --cache off`). */
  cache?: "off";
}

export interface SqlSpec {
  /** The query; its inputs are visible under the names of `PlanNode.inputs`. */
  query: string;
}

export interface TsSpec {
  name: string;
  /** ES module source whose default export is `(inputs) => Table | rows | Promise<...>`. */
  code: string;
  runtime?: { npm: Record<string, string> };
  timeoutMs?: number;
  memoryMb?: number;
}

export type NodeKind = "scan" | "sql" | "ts";

export type RunReason =
  | "never-run"
  | "code-changed"
  | "input-changed"
  | "new-snapshot"
  | "options-changed"
  | "evicted"
  | "param-changed"
  | "cache-off"
  | "resident";

export interface PlanNode {
  /** The node's fingerprint. */
  id: string;
  /** The model's name, or for a scan "table[columns]". */
  name: string;
  kind: NodeKind;
  /** Input name as the node's code uses it (TS parameter or SQL table name) -> input node id. */
  inputs: Record<string, string>;
  action: "run" | "reuse";
  reason: RunReason;
  /** Human detail for the reason, e.g. "input euro_selection changed". */
  detail?: string;
  scan?: ScanSpec;
  sql?: SqlSpec;
  ts?: TsSpec;
  /** Write the output to this lake table as a new snapshot. */
  materialize?: { table: string };
  /**
   * Set on an expectation: the node it checks, and whether it blocks. Its output is the
   * offending rows. The checked node's materialization waits for its blocking
   * expectations and is skipped when one returns rows or fails.
   */
  expectation?: { model: string; blocking: boolean };
}

export interface WorkerPlan {
  protocol: 1;
  planId: string;
  nodes: PlanNode[];
  /** Node ids whose outputs the caller wants (previewed after the run). */
  targets: string[];
  /** "off": reuse no resident output; scans read everything from the object store. */
  cache?: "off";
}
