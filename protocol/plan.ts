// The plan contract between the engine (which makes it from metadata) and the worker
// (which executes it on data): plain JSON, so it crosses the process boundary as is.
// A node's id is its fingerprint: equal ids are equal outputs, whoever asks. Nodes are a
// union by kind, each with the spec of its kind, so neither side guesses.

export interface ScanSpec {
  /** Qualified table name ("ns.table"). */
  table: string;
  /** The table's identity as planned: a table dropped and made again under the name is another table. */
  tableUuid: string;
  /** Pinned by the planner so the worker reads exactly what was planned. */
  snapshotId: number | null;
  columns: string[];
  /** The filter's canonical text (the planner parsed and checked it; the worker's answer is the same for every spelling). */
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

interface BaseNode {
  /** The node's fingerprint. */
  id: string;
  /** The model's name, or for a scan "table[columns]". */
  name: string;
  /** Input name as the node's code uses it (TS parameter or SQL table name) -> input node id. */
  inputs: Record<string, string>;
  /** What the planner decided: run it, or reuse the output the worker holds (run anyway if it was evicted since). */
  action: "run" | "reuse";
  reason: RunReason;
  /** Human detail for the reason, e.g. "input euro_selection changed". */
  detail?: string;
  /** Write the output to this lake table as a new snapshot, on this branch (default main). */
  materialize?: { table: string; branch?: string };
  /**
   * Set on an expectation: the node it checks, and whether it blocks. Its output is the
   * offending rows. The checked node's materialization waits for its blocking
   * expectations and is skipped when one returns rows or fails.
   */
  expectation?: { model: string; blocking: boolean };
}

export interface ScanPlanNode extends BaseNode {
  kind: "scan";
  scan: ScanSpec;
}

export interface SqlPlanNode extends BaseNode {
  kind: "sql";
  sql: SqlSpec;
}

export interface TsPlanNode extends BaseNode {
  kind: "ts";
  ts: TsSpec;
}

export type PlanNode = ScanPlanNode | SqlPlanNode | TsPlanNode;

export interface WorkerPlan {
  planId: string;
  nodes: PlanNode[];
  /** Node ids whose outputs the caller wants (previewed after the run). */
  targets: string[];
  /** "off": reuse no resident output; scans read everything from the object store. */
  cache?: "off";
}
