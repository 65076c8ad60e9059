// `lakeloop merge BRANCH [--into main]`: publishes every table a branch changed, all
// at once or none (lake/iceberg/branches/merge.ts says how and what conflicts).
import { mergeRefs } from "../../lake/iceberg/branches/merge.js";
import { describeMerge } from "../../engine/commands/merge-command.js";
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const mergeCommand: Command = {
  name: "merge",
  lake: "reads",
  summary: "publish every table a branch changed into main, all at once or none",
  usage: `Usage: lakeloop merge BRANCH [--into main] [--json]
       lakeloop merge main --into BRANCH

Publishes the tables BRANCH changed (since it was made, or last merged) into main in
one atomic step: a reader sees all of them at their new snapshots, or none. A table
BRANCH did not change is left as main has it. Merges are fast-forward only, table by
table: when a table changed on main too, nothing is merged and the error names every
such table. 'merge main --into BRANCH' brings a branch up to date with main the same way.

  --into   the branch to merge into (default main)
  --json   what was published: table and snapshot id`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("merge", ctx.args, { into: { type: "string" }, json: { type: "boolean" } });
    if (positionals.length !== 1) throw new UsageError("merge needs one branch: lakeloop merge BRANCH [--into main]");
    const from = positionals[0]!;
    const into = values.into ?? "main";
    const result = await mergeRefs(await openCatalog(await ctx.openLake()), from, into);
    if (values.json) {
      ctx.stdout.write(JSON.stringify({ from, into, published: result.published }, null, 2) + "\n");
    } else {
      ctx.stdout.write(`${describeMerge(from, into, result)}\n`);
    }
    return 0;
  },
};
