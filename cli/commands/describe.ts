// `lakeloop describe <table>`: schema, partitioning, snapshots, files, rows, bytes.
import { LakeView } from "../../lake/iceberg/branches/lake-view.js";
import { countLiveRows } from "../../cache/count-live-rows.js";
import { describeTable, formatTableDescription } from "../../lake/ingest/describe.js";
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const describeCommand: Command = {
  name: "describe",
  lake: "reads",
  summary: "show a table's schema, partitioning, snapshots and files",
  usage: `Usage: lakeloop describe <table> [--json] [--branch NAME]

  --branch  the table as branch (or tag) NAME has it (default main)`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("describe", ctx.args, { json: { type: "boolean" }, branch: { type: "string" } });
    if (positionals.length !== 1) throw new UsageError("describe needs one table name: lakeloop describe <table>");
    const catalog = await openCatalog(await ctx.openLake(), ctx.env);
    const table = await (await LakeView.open(catalog, values.branch)).loadTable(positionals[0]!);
    const description = await describeTable(table, await countLiveRows(catalog, table));
    ctx.stdout.write(values.json ? JSON.stringify(description, null, 2) + "\n" : formatTableDescription(description));
    return 0;
  },
};
