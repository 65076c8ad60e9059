// `lakeloop sample`: writes the deterministic sample `transactions` table.
import { writeSampleReporting } from "../../engine/sample-data.js";
import { parseCommandArgs, parsePositiveInt } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { progressOn } from "../progress.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const sampleCommand: Command = {
  name: "sample",
  lake: "creates",
  summary: "write the sample `transactions` table (deterministic)",
  usage: `Usage: lakeloop sample [--rows N] [--months M] [--partition-by day|month] [--seed S]

Writes (or rewrites) the table default.transactions: id, usd, country, eventTime,
merchant, category, quantity, discount, is_refund, settled_on. The same options
always give the same rows.

  --rows N          rows to write (default 1000000; 20M+ works, month by month)
  --months M        months of data from 2023-01-01 (default 12, at most 240)
  --partition-by    day or month(eventTime) partitions (default month)
  --seed S          another deterministic variant (default 1)
  --quiet           no progress on stderr`,
  async run(ctx) {
    const { values } = parseCommandArgs("sample", ctx.args, {
      rows: { type: "string" }, months: { type: "string" }, "partition-by": { type: "string" }, seed: { type: "string" }, quiet: { type: "boolean" },
    });
    const partitionBy = values["partition-by"] ?? "month";
    if (partitionBy !== "day" && partitionBy !== "month") throw new UsageError(`--partition-by must be day or month, got '${partitionBy}'`);
    const rows = parsePositiveInt("rows", values.rows, 1_000_000);
    const months = parsePositiveInt("months", values.months, 12, 240);
    const seed = parsePositiveInt("seed", values.seed, 1);
    const progress = progressOn(ctx.stderr, values.quiet);
    const catalog = await openCatalog(await ctx.openLake(), ctx.env);
    const wrote = await writeSampleReporting(catalog, { rows, months, partitionBy, seed }, (line) => progress.update(line));
    progress.done();
    ctx.stdout.write(`${wrote}\n`);
    return 0;
  },
};
