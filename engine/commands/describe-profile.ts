// Where a run's time went, as a text table for any front end (`lakeloop run --profile`,
// `%profile`, `.profile`) and the benchmarks: one row per node that ran, one column per
// phase that any of them spent time in, then the time spent planning here and the round
// trip to the worker.
import { PROFILE_PHASES, type NodeProfile, type ProfilePhase } from "../../protocol/messages.js";
import type { RunReport } from "../session.js";

const ms = (x: number | undefined) => (x === undefined ? "" : x < 10 ? x.toFixed(1) : x.toFixed(0));

/** Sums of each phase over the nodes that ran, plus planning and the worker round trip. */
export function profileTotals(report: RunReport): NodeProfile & { planning: number; worker: number } {
  const totals: NodeProfile = {};
  for (const n of report.nodes) for (const [phase, v] of Object.entries(n.profile ?? {})) totals[phase as ProfilePhase] = (totals[phase as ProfilePhase] ?? 0) + (v ?? 0);
  return { ...totals, planning: report.timing.plan, worker: report.timing.run };
}

export function describeProfile(report: RunReport): string {
  const ran = report.nodes.filter((n) => n.action === "ran" || n.action === "failed");
  const phases = PROFILE_PHASES.filter((p) => ran.some((n) => (n.profile?.[p] ?? 0) > 0.05));
  const header = ["node", "ms", ...phases];
  const rows = ran.map((n) => [n.name.length > 40 ? n.name.slice(0, 39) + "…" : n.name, ms(n.ms), ...phases.map((p) => ms(n.profile?.[p]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const reused = report.nodes.filter((n) => n.action === "reused").length;
  return [
    ran.length ? line(header) : "nothing ran",
    ...rows.map(line),
    `planning here ${ms(report.timing.plan)} ms; worker round trip ${ms(report.timing.run)} ms` + (reused ? `; ${reused} reused` : ""),
  ].join("\n");
}
