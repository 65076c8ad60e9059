// The lake's branches as text for every front end: `lakeloop branch list`, and the
// session command `%branch` (kernel) / `.branch` (REPL) that shows them or switches
// the session to one. One implementation and one help text for both front ends.
import type { Catalog } from "../../lake/iceberg/catalog.js";
import { listRefs, type RefSummary } from "../../lake/iceberg/branches/branch-ops.js";
import type { RefType } from "../../lake/iceberg/branches/ref-names.js";
import type { Session } from "../session.js";

/** The command's arguments and what it does, for each front end's help list. */
export const BRANCH_USAGE = "branch [name]";
export const BRANCH_SUMMARY = "the lake branch reads see and models materialize to: list, or switch";

function describeRef(ref: RefSummary): string {
  if (ref.type === "branch" && !ref.from) return ref.name;
  const made = `${ref.type} from ${ref.from}, ${ref.at?.slice(0, 19).replace("T", " ")} UTC`;
  const changed = ref.type === "tag" ? "" : ref.changed.length ? `; changed: ${ref.changed.join(", ")}` : "; no table changed";
  return `${ref.name} (${made}${changed})`;
}

/** Every ref (or only the tags), one a line, the current one marked with `*`. */
export async function formatRefs(catalog: Catalog, current?: string, only?: RefType): Promise<string> {
  const refs = (await listRefs(catalog)).filter((r) => !only || r.type === only);
  return refs.map((r) => `${r.name === current ? "*" : " "} ${describeRef(r)}`).join("\n") || `no ${only ?? "ref"}s yet`;
}

export async function branchCommand(session: Session, args: string[]): Promise<string> {
  if (args.length === 0) return formatRefs(session.catalog, session.branch);
  if (args.length > 1) throw Object.assign(new Error(`${BRANCH_USAGE}: one name at most (make branches with lakeloop branch create NAME)`), { code: "USAGE" });
  await session.useBranch(args[0]!);
  const view = await session.tables();
  return view.refType === "tag"
    ? `now on tag ${args[0]}: reads see it; it never changes, so materializing models fail (make a branch from it to write)`
    : `now on branch ${args[0]}: reads see it, materialized models are written to it`;
}
