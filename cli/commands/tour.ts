// `lakeloop tour`: the first thing to run. Creates the embedded default lake with the
// sample table on first use (with progress), then shows what is in it.
import { describeTable, formatTableDescription } from "../../lake/ingest/describe.js";
import { SAMPLE_TABLE } from "../../lake/ingest/sample.js";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { sampleCommand } from "./sample.js";
import { tablesCommand } from "./tables.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const tourCommand: Command = {
  name: "tour",
  lake: "creates",
  summary: "create the sample lake on first use and show what is in it",
  usage: `Usage: lakeloop tour

Creates the sample table (1M rows) in the lake on first use, then lists the tables
and describes \`transactions\`.`,
  async run(ctx) {
    parseCommandArgs("tour", ctx.args, {});
    const store = await ctx.openLake();
    const catalog = await openCatalog(store);
    if (!(await catalog.tableExists(SAMPLE_TABLE))) {
      ctx.stdout.write(`No sample data in ${store.root} yet: writing it (once).\n`);
      const code = await sampleCommand.run({ ...ctx, args: [] });
      if (code !== 0) return code;
    }
    ctx.stdout.write("\n$ lakeloop tables\n");
    await tablesCommand.run({ ...ctx, args: [] });
    ctx.stdout.write(`\n$ lakeloop describe ${SAMPLE_TABLE}\n`);
    ctx.stdout.write(formatTableDescription(await describeTable(await catalog.loadTable(SAMPLE_TABLE))));
    return 0;
  },
};
