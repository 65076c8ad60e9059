// What a notebook shows of a run's expectations: warnings as a stderr line each, the
// offending rows of a failed check as a table, and blocking failures as the cell's
// error (with where each expectation is defined), so Run All stops there as it does
// for a failed model.
import { blockingFailures, describeExpectations, expectationWarnings, type ExpectationResult } from "../engine/expect/expectation-results.js";
import type { RunReport } from "../engine/session.js";
import type { ErrorContent } from "./cell-errors.js";

/** The stderr text of the run's warnings ("" without any). */
export function expectationWarningText(report: RunReport): string {
  const lines = describeExpectations({ expectations: expectationWarnings(report) });
  return lines.length ? `${lines.map((l) => `warning: ${l.replace(/^! /, "")}`).join("\n")}\n` : "";
}

/** The failed checks whose offending rows are worth a table (a message alone is not). */
export function offendingSamples(report: RunReport): ExpectationResult[] {
  return report.expectations.filter((e) => e.status === "failed" && e.sample);
}

/** The run's blocking failures as an error, appended to the error of its failed models when there is one. */
export function expectationErrorContent(report: RunReport, models?: ErrorContent): ErrorContent | undefined {
  const failures = blockingFailures(report);
  if (failures.length === 0) return models;
  const lines = describeExpectations({ expectations: failures }).map((l) => l.replace(/^✗ /, ""));
  const traceback = failures.flatMap((e, i) => [`ExpectationFailed: ${lines[i]}`, `    defined at ${e.at.cell}, line ${e.at.line}`]);
  if (models) return { ...models, evalue: `${models.evalue}\n${lines.join("\n")}`, traceback: [...models.traceback, ...traceback] };
  return { ename: "ExpectationFailed", evalue: lines.join("\n"), traceback };
}
