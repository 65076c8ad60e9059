// `lakeloop register <name> <uri>`: makes a table that lives anywhere (another bucket,
// another engine's warehouse, a mounted folder) one of the lake's tables, read-only.
import { IcebergError } from "../../lake/iceberg/errors.js";
import { registerTable } from "../../lake/iceberg/registered.js";
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const registerCommand: Command = {
  name: "register",
  lake: "creates",
  summary: "register a table another engine wrote, anywhere (read-only)",
  usage: `Usage: lakeloop register <table> <uri>

<uri> is a table's metadata JSON file (that version, pinned), e.g.
  s3://bucket/warehouse/db.db/events/metadata/00042-7f0c….metadata.json
or the table's folder (its newest metadata each time it is read), e.g.
  s3a://bucket/warehouse/db/events   file:///mnt/export/events   /mnt/export/events

s3://, s3a://, s3n:// and file:// are read; S3 with the lake's endpoint and credentials.
The lake keeps a pointer: 'tables', 'describe', 'query' and models read the table;
lakeloop never writes to it. 'lakeloop drop <table>' forgets the pointer and leaves
the table's files alone.`,
  async run(ctx) {
    const { positionals } = parseCommandArgs("register", ctx.args, {});
    if (positionals.length !== 2) throw new UsageError("register needs a table name and a URI: lakeloop register <table> <uri>");
    const [name, uri] = positionals as [string, string];
    if (ctx.env.LAKELOOP_CATALOG) {
      throw new IcebergError("READ_ONLY", "register keeps a pointer in the lake folder; with a REST catalog (--catalog, LAKELOOP_CATALOG) register the table in that catalog instead");
    }
    const catalog = await openCatalog(await ctx.openLake(), ctx.env);
    const qualified = await registerTable(catalog.store, name, uri, (n) => catalog.tableExists(n));
    const table = await catalog.loadTable(qualified);
    const snapshot = table.currentSnapshot();
    const rows = snapshot?.summary["total-records"];
    ctx.stdout.write(`registered ${qualified} → ${uri} (Iceberg v${table.metadata["format-version"]}, ` +
      `${table.schema().fields.length} columns${rows !== undefined ? `, ${Number(rows).toLocaleString("en-US")} rows` : ""}; read-only)\n`);
    return 0;
  },
};
