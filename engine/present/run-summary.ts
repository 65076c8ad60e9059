// A finished run in one line: "1 reused, 2 ran, 674 KB fetched, 1.2 MB from cache, 143 ms",
// then its expectations' count when it had some ("; 2 expectations passed").
import type { RunReport } from "../session.js";
import { cachedBytes } from "../run/node-state.js";
import { formatBytes } from "../../lake/format-bytes.js";
import { summarizeExpectations } from "../expect/expectation-results.js";

export function summarizeRun(report: RunReport): string {
  const count = (action: string) => report.nodes.filter((n) => n.action === action).length;
  const failed = count("failed");
  const cancelled = count("cancelled");
  const checks = summarizeExpectations(report);
  return `${count("reused")} reused, ${count("ran")} ran${failed ? `, ${failed} failed` : ""}${cancelled ? `, ${cancelled} cancelled` : ""}, ` +
    `${formatBytes(report.summary.read.objectStoreBytes)} fetched, ${formatBytes(cachedBytes(report.summary.read))} from cache, ${report.summary.ms.toFixed(0)} ms${checks ? `; ${checks}` : ""}`;
}
