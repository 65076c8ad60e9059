// Publishing a branch: `%merge` (kernel) / `.merge` (REPL) and `lakeloop run --merge`,
// with the words `lakeloop merge` prints. A merge from a session is held back while it
// would publish a table whose model's blocking expectation failed in the session's
// latest run of it (the check that kept the model's output from being written): what
// did not pass its checks is not published, under whatever branch name it sits (the
// merge itself is lake/iceberg/branches/merge.ts).
import { mergeRefs, type MergePlan, type MergeResult } from "../../lake/iceberg/branches/merge.js";
import { MAIN } from "../../lake/iceberg/branches/ref-names.js";
import { parseTableName, qualifiedName, shortTableName } from "../../lake/iceberg/names.js";
import type { ExpectationResult } from "../expect/expectation-results.js";
import type { Session } from "../session.js";
import { usageError } from "./usage-error.js";

export const MERGE_USAGE = "merge BRANCH [--into main]";
export const MERGE_SUMMARY = "publish every table a branch changed, all at once (held back while its expectations fail)";

/** "merged dev into main: euro_selection (snapshot 42)", or that there was nothing to merge. */
export function describeMerge(from: string, into: string, result: MergeResult): string {
  if (result.published.length === 0) return `nothing to merge: ${from} changed no table that ${into} does not have`;
  return `merged ${from} into ${into}: ${result.published.map((p) => `${shortTableName(p.table)} (snapshot ${p.snapshotId})`).join(", ")}`;
}

/** Refuses to merge `branch` while some of its blocking expectations fail. */
export function refuseFailingMerge(branch: string, failing: ExpectationResult[], where: string): void {
  if (failing.length === 0) return;
  const names = failing.map((e) => `${e.name} on ${e.model}`).join(", ");
  throw Object.assign(new Error(`cannot merge ${branch}: expectation${failing.length > 1 ? "s" : ""} ${names} failed in ${where}; nothing was merged. ` +
    "Fix the model or its data, run again, then merge"), { code: "EXPECTATION_FAILED" });
}

const qualified = (table: string) => qualifiedName(parseTableName(table));

export async function mergeFromSession(session: Session, args: string[]): Promise<string> {
  const into = args.indexOf("--into");
  const target = into >= 0 ? args[into + 1] : MAIN;
  const rest = into >= 0 ? [...args.slice(0, into), ...args.slice(into + 2)] : args;
  if (rest.length !== 1 || !target || target.startsWith("--") || rest[0]!.startsWith("--")) throw usageError(`${MERGE_USAGE}: one branch, e.g. merge dev`);
  const from = rest[0]!;
  // Bringing a branch up to date with main publishes nothing unchecked; publishing a
  // branch is refused when a failed check stopped a write to a table it would publish.
  const approve = from === MAIN ? undefined : (plan: MergePlan) => {
    const publishing = new Set(plan.publish.map((p) => qualified(p.table)));
    const blocking = session.failingExpectations().filter((e) => (e.stopped ?? []).some((t) => publishing.has(qualified(t))));
    refuseFailingMerge(from, blocking, "this session's latest run of them");
  };
  return describeMerge(from, target, await mergeRefs(session.catalog, from, target, { approve }));
}
