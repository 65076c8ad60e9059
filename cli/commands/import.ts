// `lakeloop import`: a CSV, Parquet or Arrow file into a table, in one commit.
import { formatBytes } from "../../lake/format-bytes.js";
import { importFile, type ImportMode } from "../../lake/ingest/import-file.js";
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { progressOn } from "../progress.js";
import { loadArrowFile } from "../../columnar/arrow-file.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const importCommand: Command = {
  name: "import",
  lake: "creates",
  summary: "import a .csv, .parquet or .arrow file into a table",
  usage: `Usage: lakeloop import <table> <file.csv|file.parquet|file.arrow> [--mode create|append|replace] [--partition-by 'day(eventTime)']

CSV column types are inferred (integers, floats, booleans, ISO dates and timestamps,
strings). The table changes in one commit or not at all: a malformed file is
reported with its line and column and leaves the table as it was.

  --mode           create (default: the table must not exist), append, or replace
  --partition-by   partition a new table: identity columns and year/month/day/hour
                   of a date or timestamp, e.g. 'month(eventTime), country'
  --hive-partitioning  add a column for each key=value folder in the file's path
                   (e.g. region=EU/data.parquet gets a region column); off by default,
                   so a file keeps exactly its own columns
  --quiet          no progress on stderr`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("import", ctx.args, {
      mode: { type: "string" }, "partition-by": { type: "string" }, "hive-partitioning": { type: "boolean" }, quiet: { type: "boolean" },
    });
    const [table, file, ...rest] = positionals;
    if (!table || !file || rest.length) throw new UsageError("import needs a table name and a file: lakeloop import <table> <file>");
    const mode = (values.mode ?? "create") as ImportMode;
    if (!["create", "append", "replace"].includes(mode)) throw new UsageError(`--mode must be create, append or replace, got '${values.mode}'`);
    if (values["partition-by"] && mode !== "create") throw new UsageError("--partition-by applies only to --mode create (a new table)");
    const progress = progressOn(ctx.stderr, values.quiet);
    const catalog = await openCatalog(await ctx.openLake(), ctx.env);
    const result = await importFile(catalog, table, file, {
      mode, partitionBy: values["partition-by"], hivePartitioning: values["hive-partitioning"], loadArrow: loadArrowFile,
      onProgress: (p) => progress.update(`import: ${p.files} files, ${p.rows.toLocaleString("en-US")} rows, ${formatBytes(p.bytes)}`),
    });
    progress.done();
    ctx.stdout.write(`${mode === "create" ? "created" : mode === "append" ? "appended to" : "replaced"} ${result.table.name}: ` +
      `${result.rows.toLocaleString("en-US")} rows in ${result.files} files (${formatBytes(result.bytes)}), snapshot ${result.table.currentSnapshot()?.["snapshot-id"]}\n`);
    return 0;
  },
};
