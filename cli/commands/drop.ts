// `lakeloop drop <table>`: removes a table in one atomic commit.
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const dropCommand: Command = {
  name: "drop",
  lake: "reads",
  summary: "drop a table (one atomic commit; its files are removed)",
  usage: `Usage: lakeloop drop <table>

Drops the table in one atomic commit: readers see the whole table or none of it, and
a write racing with the drop fails instead of bringing the table back. Its data files
and snapshots are then removed, so a drop cannot be rolled back; 'lakeloop rollback'
undoes a change to a table that still exists. The table goes from every branch and tag.`,
  async run(ctx) {
    const { positionals } = parseCommandArgs("drop", ctx.args, {});
    if (positionals.length !== 1) throw new UsageError("drop needs one table name: lakeloop drop <table>");
    const catalog = await openCatalog(await ctx.openLake(), ctx.env);
    const table = await catalog.loadTable(positionals[0]!);
    await catalog.dropTable(table.name);
    ctx.stdout.write(`dropped ${table.name}\n`);
    return 0;
  },
};
