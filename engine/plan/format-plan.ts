// The three printable views of a plan: logical (models and their edges), physical
// (scans, SQL and TS nodes with environments, run or reuse and why) and worker (what
// is resident and each scan's cache diff).
import type { Graph } from "../dag/graph.js";
import type { Plan } from "./plan-run.js";

const REASONS: Record<string, string> = {
  "never-run": "never run", "code-changed": "code changed", "input-changed": "input changed", "new-snapshot": "new snapshot",
  "options-changed": "options changed", evicted: "evicted from the worker", resident: "resident",
  "param-changed": "parameter changed", "cache-off": "cache off",
};

export function formatLogicalPlan(graph: Graph, plan: Plan): string {
  const lines = ["logical plan:"];
  for (const p of plan.nodes) {
    if (p.node.kind === "scan") continue;
    const inputs = Object.entries(p.node.inputs).map(([name, key]) => {
      const input = graph.get(key);
      return input.kind === "scan" ? `${name} <- table ${input.name}` : `${name} <- ${input.name}`;
    });
    lines.push(`  ${p.node.name}${inputs.length ? ": " + inputs.join("; ") : ""}`);
  }
  return lines.join("\n");
}

export function formatPhysicalPlan(plan: Plan): string {
  const lines = ["physical plan:"];
  for (const p of plan.nodes) {
    const kind = p.node.kind === "scan" ? "scan" : p.node.kind === "sql" ? "sql " : "ts  ";
    const env = p.node.kind === "ts" && p.node.definition.options.runtime?.npm ? ` env ${Object.entries(p.node.definition.options.runtime.npm).map(([k, v]) => `${k}@${v}`).join(",")}` : "";
    lines.push(`  ${p.action === "run" ? "RUN  " : "reuse"} ${kind} ${p.node.name}${env}  (${REASONS[p.reason]}${p.detail ? ": " + p.detail : ""})  #${p.parts.fingerprint}`);
  }
  return lines.join("\n");
}

export function formatWorkerPlan(plan: Plan, diffs: Map<string, string>): string {
  const lines = ["worker view:"];
  for (const p of plan.nodes) {
    if (p.action === "reuse") lines.push(`  resident   ${p.node.name}`);
    else if (p.node.kind === "scan") lines.push(`  scan       ${p.node.name}: ${diffs.get(p.parts.fingerprint) ?? "cache state unknown"}`);
    else lines.push(`  compute    ${p.node.name}`);
  }
  return lines.join("\n");
}
