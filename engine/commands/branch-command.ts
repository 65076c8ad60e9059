// The lake's branches as text for every front end: `lakeloop branch list`, and the
// session command `%branch` (kernel) / `.branch` (REPL) that shows them or switches
// the session to one. One implementation and one help text for both front ends.
import type { Catalog } from "../../lake/iceberg/catalog.js";
import { createRef, deleteRef, listRefs, type RefSummary } from "../../lake/iceberg/branches/branch-ops.js";
import { MAIN } from "../../lake/iceberg/branches/ref-names.js";
import { usageError } from "./usage-error.js";
import type { RefType } from "../../lake/iceberg/branches/ref-names.js";
import type { Session } from "../session.js";

/** The command's arguments and what it does, for each front end's help list. */
export const BRANCH_USAGE = "branch [NAME | create NAME [--from REF] | delete NAME]";
export const BRANCH_SUMMARY = "the lake branch reads see and models materialize to: list, switch, make (from main, or --from a branch, tag or snapshot id), delete";

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

/** The command's own words: a branch of one of these names could never be switched to. */
const ACTIONS = ["create", "delete", "list"];

export async function branchCommand(session: Session, args: string[]): Promise<string> {
  if (args.length === 0 || (args.length === 1 && args[0] === "list")) return formatRefs(session.catalog, session.branch);
  const [action, name, ...rest] = args;
  if (action === "create") {
    const from = rest[0] === "--from" && rest.length === 2 ? rest[1] : rest.length === 0 ? MAIN : undefined;
    if (!name || name.startsWith("--") || from === undefined) throw usageError("branch create NAME [--from main|BRANCH|TAG|SNAPSHOT]");
    if (ACTIONS.includes(name)) throw usageError(`a branch cannot be named ${name} here: create, delete and list are the command's own words`);
    const made = await createRef(session.catalog, name, "branch", from);
    const tables = Object.keys(made.start).length;
    return `made branch ${name} from ${made.from}: ${tables} ${tables === 1 ? "table" : "tables"}, no data copied (switch to it: branch ${name})`;
  }
  if (action === "delete") {
    if (!name || rest.length) throw usageError("branch delete NAME");
    if (name === MAIN) throw usageError("main cannot be deleted");
    if (name === session.branch) throw usageError(`the session is on ${name}: switch to another branch before deleting it`);
    await deleteRef(session.catalog, name, "branch");
    return `deleted branch ${name}`;
  }
  if (args.length > 1) throw usageError(`${BRANCH_USAGE}: one name to switch to`);
  await session.useBranch(action!);
  const view = await session.tables();
  return view.refType === "tag"
    ? `now on tag ${action}: reads see it; it never changes, so materializing models fail (make a branch from it to write)`
    : `now on branch ${action}: reads see it, materialized models are written to it`;
}
