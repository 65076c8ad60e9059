// `lakeloop rollback <table> --to <snapshot>`: makes an earlier snapshot current again.
import { parseCommandArgs, parsePositiveInt } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const rollbackCommand: Command = {
  name: "rollback",
  lake: "reads",
  summary: "make an earlier snapshot of a table current again (one atomic commit)",
  usage: `Usage: lakeloop rollback <table> --to <snapshot-id>

Makes the snapshot current again in one atomic commit. Snapshots are kept: 'lakeloop
describe <table>' lists them with their ids and times, and a rollback can itself be
undone by rolling forward to a later snapshot.

  --to   the snapshot id to return to`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("rollback", ctx.args, { to: { type: "string" } });
    if (positionals.length !== 1) throw new UsageError("rollback needs one table name: lakeloop rollback <table> --to <snapshot-id>");
    if (values.to === undefined) throw new UsageError("rollback needs --to <snapshot-id> (lakeloop describe <table> lists them)");
    const snapshotId = parsePositiveInt("to", values.to, 0);
    const catalog = await openCatalog(await ctx.openLake(), ctx.env);
    const table = await catalog.loadTable(positionals[0]!);
    if (table.currentSnapshot()?.["snapshot-id"] === snapshotId) {
      ctx.stdout.write(`${table.name} is already at snapshot ${snapshotId}\n`);
      return 0;
    }
    const rolled = await table.rollbackTo(snapshotId);
    const rows = rolled.currentSnapshot()?.summary["total-records"] ?? "0";
    ctx.stdout.write(`${table.name} is at snapshot ${snapshotId} again (${Number(rows).toLocaleString("en-US")} rows), as metadata version ${rolled.version}\n`);
    return 0;
  },
};
