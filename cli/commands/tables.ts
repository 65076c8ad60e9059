// `lakeloop tables`: the lake's tables with their rows and size.
import { Catalog } from "../../lake/iceberg/catalog.js";
import { formatBytes } from "../../lake/ingest/describe.js";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";

export const tablesCommand: Command = {
  name: "tables",
  summary: "list the lake's tables",
  usage: `Usage: lakeloop tables [--json]

  --json   one JSON object per table: name, rows, files, bytes, snapshot`,
  async run(ctx) {
    const { values } = parseCommandArgs("tables", ctx.args, { json: { type: "boolean" } });
    const catalog = await Catalog.open(await ctx.openLake());
    const rows = [];
    for (const name of await catalog.listTables()) {
      const table = await catalog.loadTable(name);
      const snapshot = table.currentSnapshot();
      rows.push({
        name, rows: Number(snapshot?.summary["total-records"] ?? 0), files: Number(snapshot?.summary["total-data-files"] ?? 0),
        bytes: Number(snapshot?.summary["total-files-size"] ?? 0), snapshot: snapshot?.["snapshot-id"] ?? null,
      });
    }
    if (values.json) {
      ctx.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    } else if (rows.length === 0) {
      ctx.stdout.write("the lake has no tables yet; try `lakeloop sample`\n");
    } else {
      const width = Math.max(...rows.map((r) => r.name.length), 5);
      ctx.stdout.write(`${"table".padEnd(width)}  ${"rows".padStart(12)}  ${"files".padStart(5)}  ${"size".padStart(8)}\n`);
      for (const r of rows) ctx.stdout.write(`${r.name.padEnd(width)}  ${r.rows.toLocaleString("en-US").padStart(12)}  ${String(r.files).padStart(5)}  ${formatBytes(r.bytes).padStart(8)}\n`);
    }
    return 0;
  },
};
