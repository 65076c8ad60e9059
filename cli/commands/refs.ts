// `lakeloop branch` and `lakeloop tag`: make, list and delete the lake's branches and
// tags. One command shape for both: a tag is a branch that never changes.
import { createRef, deleteRef, listRefs } from "../../lake/iceberg/branches/branch-ops.js";
import type { RefType } from "../../lake/iceberg/branches/ref-names.js";
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { openCatalog } from "../../lake/open-catalog.js";

const ABOUT: Record<RefType, string> = {
  branch: `A branch is a name for a snapshot of every table of the lake: making one copies no
data, it writes refs (each table's Iceberg metadata names the branch, so other engines
read it too). Run models on it (lakeloop run DIR --branch NAME) and query it (lakeloop
query "..." --branch NAME): main does not change. Then publish every table it changed
at once with lakeloop merge NAME.`,
  tag: `A tag is a name for a snapshot of every table of the lake that never changes: read
it with --branch NAME (query, run, describe, tables), make a branch from it with
lakeloop branch create NAME --from TAG. Making one copies no data.`,
};

function refCommand(type: RefType): Command {
  return {
    name: type,
    lake: "reads",
    summary: type === "branch" ? "make, list or delete lake branches (no data is copied)" : "make, list or delete lake tags (names that never change)",
    usage: `Usage: lakeloop ${type} create NAME [--from main|BRANCH|TAG|SNAPSHOT]
       lakeloop ${type} list [--json]
       lakeloop ${type} delete NAME

${ABOUT[type]}

  --from   where the ${type} starts: main (the default), another branch or tag, or a
           snapshot id of one table (that table at the snapshot, every other table as
           main had it then)
  --json   list as JSON: name, type, from, at, and the tables changed since it last
           agreed with main
${type === "branch" ? "\nDeleting a branch drops the tables made on it that were never merged into main.\n" : ""}`,
    async run(ctx) {
      const { values, positionals } = parseCommandArgs(type, ctx.args, { from: { type: "string" }, json: { type: "boolean" } });
      const [action, name, ...rest] = positionals;
      const needsName = action === "create" || action === "delete";
      if (!action || !["create", "list", "delete"].includes(action) || (needsName ? !name || rest.length : name)) {
        throw new UsageError(`${type} takes create NAME, list or delete NAME; run 'lakeloop ${type} --help'`);
      }
      if (values.from !== undefined && action !== "create") throw new UsageError(`--from goes with ${type} create`);
      const catalog = await openCatalog(await ctx.openLake());
      if (action === "create") {
        const made = await createRef(catalog, name!, type, values.from);
        const tables = Object.keys(made.start).length;
        ctx.stdout.write(`made ${type} ${name} from ${made.from}: ${tables} ${tables === 1 ? "table" : "tables"}, no data copied\n`);
      } else if (action === "delete") {
        await deleteRef(catalog, name!, type);
        ctx.stdout.write(`deleted ${type} ${name}\n`);
      } else if (values.json) {
        ctx.stdout.write(JSON.stringify((await listRefs(catalog)).filter((r) => type === "branch" || r.type === "tag"), null, 2) + "\n");
      } else {
        const { formatRefs } = await import("../../engine/commands/branch-command.js");
        ctx.stdout.write(`${await formatRefs(catalog, undefined, type === "tag" ? "tag" : undefined)}\n`);
      }
      return 0;
    },
  };
}

export const branchCommand = refCommand("branch");
export const tagCommand = refCommand("tag");
