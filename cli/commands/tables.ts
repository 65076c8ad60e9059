// `lakeloop tables`: the lake's tables with their rows and size. A table whose
// metadata cannot be read is listed with its error; the others are still shown.
import { LakeView } from "../../lake/iceberg/branches/lake-view.js";
import { countLiveRows } from "../../cache/count-live-rows.js";
import { formatBytes } from "../../lake/format-bytes.js";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { openCatalog } from "../../lake/open-catalog.js";

interface TableRow {
  name: string;
  /** Live rows: net of delete files. */
  rows: number;
  /** When the snapshot has delete files: how `rows` was counted (the delete files read, or a scan for equality deletes). */
  rowsCountedFrom?: string;
  files: number;
  bytes: number;
  snapshot: number | null;
  /** Why the table could not be read (its other fields are then 0 and null). */
  error?: string;
}

async function describeRow(catalog: LakeView, name: string): Promise<TableRow> {
  try {
    const table = await catalog.loadTable(name);
    const snapshot = table.currentSnapshot();
    const row: TableRow = {
      name, rows: Number(snapshot?.summary["total-records"] ?? 0), files: Number(snapshot?.summary["total-data-files"] ?? 0),
      bytes: Number(snapshot?.summary["total-files-size"] ?? 0), snapshot: snapshot?.["snapshot-id"] ?? null,
    };
    // The summary counts rows of data files; a snapshot with delete files is counted net of them.
    if (snapshot && (await table.deleteFiles(snapshot)).length > 0) {
      const live = await countLiveRows(catalog.catalog, table, snapshot);
      row.rows = live.rows;
      row.rowsCountedFrom = live.countedFrom;
    }
    return row;
  } catch (err) {
    return { name, rows: 0, files: 0, bytes: 0, snapshot: null, error: (err as Error).message };
  }
}

export const tablesCommand: Command = {
  name: "tables",
  lake: "reads",
  summary: "list the lake's tables",
  usage: `Usage: lakeloop tables [--json] [--branch NAME]

A table whose metadata cannot be read is listed as unreadable with the reason, and
the command exits with 1 after listing the others.

  --json    one JSON object per table: name, rows, files, bytes, snapshot (and error)
  --branch  the tables branch (or tag) NAME has (default main)

Rows are live rows: a table other engines wrote may hold delete files, and its rows are
counted net of them (rowsCountedFrom says how: by reading its position delete files and
deletion vectors, or by a scan when it has equality deletes).`,
  async run(ctx) {
    const { values } = parseCommandArgs("tables", ctx.args, { json: { type: "boolean" }, branch: { type: "string" } });
    const store = await ctx.openLake();
    const catalog = await LakeView.open(await openCatalog(store, ctx.env), values.branch);
    const rows = await Promise.all((await catalog.listTables()).map((name) => describeRow(catalog, name)));
    if (values.json) {
      ctx.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    } else if (rows.length === 0) {
      ctx.stdout.write(`the lake at ${store.root} has no tables yet; try \`lakeloop sample\`\n`);
    } else {
      const width = Math.max(...rows.map((r) => r.name.length), 5);
      ctx.stdout.write(`${"table".padEnd(width)}  ${"rows".padStart(12)}  ${"files".padStart(5)}  ${"size".padStart(8)}\n`);
      for (const r of rows) {
        ctx.stdout.write(r.error
          ? `${r.name.padEnd(width)}  unreadable: ${r.error}\n`
          : `${r.name.padEnd(width)}  ${r.rows.toLocaleString("en-US").padStart(12)}  ${String(r.files).padStart(5)}  ${formatBytes(r.bytes).padStart(8)}\n`);
      }
    }
    const broken = rows.filter((r) => r.error);
    if (broken.length) ctx.stderr.write(`lakeloop tables: ${broken.length} of ${rows.length} tables cannot be read: ${broken.map((r) => r.name).join(", ")}\n`);
    return broken.length ? 1 : 0;
  },
};
