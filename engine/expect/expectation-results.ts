// A run's expectations as its report gives them: each one passed, failed (with how many
// offending rows, its message, the first rows), errored (its code threw) or was skipped
// (its model failed); and the materializations they stopped. Their previews leave the
// report's previews (a front end shows results there) for the expectation's `sample`.
// `blockingFailures(report)` is what must hold a run back: a branch merge asks it too.
import type { Table } from "apache-arrow";
import type { NodeEvent } from "../../protocol/messages.js";
import type { Preview } from "../link/worker-client.js";
import type { Plan } from "../plan/plan-run.js";
import type { SourceLocation } from "../model/definition.js";
import type { NodeState } from "../run/node-state.js";

export interface ExpectationResult {
  name: string;
  /** The model or lake table checked. */
  model: string;
  severity: "error" | "warn";
  /** Whether a failure holds the run back: errors, and every expectation under --strict. */
  blocking: boolean;
  status: "passed" | "failed" | "error" | "skipped";
  /** Offending rows (failed), 0 (passed). */
  rows?: number;
  /** A failure's message ("3 offending rows", or the check's own words); an error's message. */
  message?: string;
  /** The first offending rows, as previewed. */
  sample?: Table;
  /** Tables whose materialization this failure stopped. */
  stopped?: string[];
  /** Where the expectation is defined. */
  at: SourceLocation;
}

/** The part of a node's report the expectations read. */
export type CheckedNodeReport = Pick<NodeState, "name" | "action" | "rows" | "error" | "materialized" | "notMaterialized">;

const plural = (n: number, word: string) => `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;

/** A failure in words: a TypeScript check's own (its one `failure` row: false, or its message), else the offending rows and a sample of them. */
function failureOf(rows: number, sample: Table | undefined): { message: string; sample?: Table } {
  const failure = sample?.schema.fields.length === 1 && sample.numRows === 1 ? sample.getChild("failure")?.get(0) : undefined;
  if (typeof failure === "string") return { message: failure };
  return { message: plural(rows, "offending row"), ...(sample ? { sample } : {}) };
}

/**
 * The expectations of a run, in plan order (`nodes` aligned with `plan.nodes`). Returns
 * the previews that are not expectations'.
 */
export function reportExpectations(plan: Plan, nodes: CheckedNodeReport[], events: NodeEvent[], previews: Preview[], options: { strict?: boolean } = {}):
  { expectations: ExpectationResult[]; previews: Preview[] } {
  const stoppedBy = new Map<string, string[]>();
  for (const e of events) {
    if (e.type !== "materialize-skipped") continue;
    for (const name of e.expectations) stoppedBy.set(name, [...(stoppedBy.get(name) ?? []), e.table]);
  }
  const checkIds = new Set<string>();
  const expectations: ExpectationResult[] = [];
  for (const [i, p] of plan.nodes.entries()) {
    if (p.node.kind === "scan" || !p.node.check) continue;
    checkIds.add(p.parts.fingerprint);
    const report = nodes[i]!;
    const sample = previews.find((v) => v.node === p.parts.fingerprint)?.table;
    const base = {
      name: p.node.name, model: p.node.check.target, severity: p.node.check.severity, blocking: p.node.check.severity === "error" || options.strict === true, at: p.node.definition.at,
    };
    const stopped = stoppedBy.get(p.node.name);
    if (report.action === "failed") expectations.push({ ...base, status: "error", message: report.error, ...(stopped ? { stopped } : {}) });
    else if (report.action === "skipped") expectations.push({ ...base, status: "skipped" });
    else if (!report.rows) expectations.push({ ...base, status: "passed", rows: 0 });
    else expectations.push({ ...base, status: "failed", rows: report.rows, ...failureOf(report.rows, sample), ...(stopped ? { stopped } : {}) });
  }
  return { expectations, previews: previews.filter((v) => !checkIds.has(v.node)) };
}

/** The expectations that hold a run back: blocking ones that failed or errored. */
export function blockingFailures(report: { expectations?: ExpectationResult[] }): ExpectationResult[] {
  return (report.expectations ?? []).filter((e) => e.blocking && (e.status === "failed" || e.status === "error"));
}

/** Expectations that failed without blocking: warnings. */
export function expectationWarnings(report: { expectations?: ExpectationResult[] }): ExpectationResult[] {
  return (report.expectations ?? []).filter((e) => !e.blocking && (e.status === "failed" || e.status === "error"));
}

/** One line per expectation that did not pass, for any front end ("✗ no_negative_usd on euro_selection: 3 offending rows; …"). */
export function describeExpectations(report: { expectations?: ExpectationResult[] }): string[] {
  return (report.expectations ?? []).filter((e) => e.status !== "passed").map((e) => {
    const mark = e.status === "skipped" ? "-" : e.blocking ? "✗" : "!";
    const what = e.status === "skipped" ? "skipped (its model did not run)" : e.status === "error" ? `could not run: ${e.message ?? "failed"}` : e.message ?? "failed";
    const stopped = e.stopped?.length ? `; ${e.stopped.join(", ")} not materialized` : "";
    return `${mark} expectation ${e.name} on ${e.model}${e.blocking ? "" : " (warning)"}: ${what}${stopped}`;
  });
}

/** "2 expectations passed, 1 failed, 1 warning" (empty without expectations). */
export function summarizeExpectations(report: { expectations?: ExpectationResult[] }): string {
  const all = report.expectations ?? [];
  if (all.length === 0) return "";
  const passed = all.filter((e) => e.status === "passed").length;
  const failed = blockingFailures(report).length;
  const warned = expectationWarnings(report).length;
  return [`${plural(all.length, "expectation")}: ${passed} passed`, ...(failed ? [`${failed} failed`] : []), ...(warned ? [plural(warned, "warning")] : [])].join(", ");
}
