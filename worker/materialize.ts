// Writing a model's output to the lake: the Arrow table goes through DuckDB into
// Parquet data files and becomes a new snapshot of the target table on the run's
// branch in one atomic commit (the table is created on first materialization,
// partitioned by month of its first timestamp column if it has one). The snapshot
// records the output's fingerprint, so a run that reuses the output knows whether the
// table on its branch already holds it.
import type { Table as ArrowTable } from "apache-arrow";
import { loadArrowIntoDuckDB } from "../columnar/arrow-into-duckdb.js";
import type { Duck } from "../columnar/duckdb.js";
import type { Catalog } from "../lake/iceberg/catalog.js";
import { checkWritable, commitOnRef, createTableOn } from "../lake/iceberg/branches/commit-on-ref.js";
import { LakeView } from "../lake/iceberg/branches/lake-view.js";
import { MAIN } from "../lake/iceberg/branches/ref-names.js";
import { icebergTypeOf } from "../lake/ingest/duckdb-types.js";
import { removeDataFiles, writeDataFiles } from "../lake/ingest/write-data-files.js";

export class MaterializeError extends Error {
  override name = "MaterializeError";
  readonly code = "MATERIALIZE_FAILED";
}

/** Snapshot summary key: the fingerprint of the output a snapshot holds. */
const OUTPUT = "lakeloop.output";

export interface MaterializeOptions {
  /** The branch to write to (default main). */
  branch?: string;
  /** The output's fingerprint, recorded in the snapshot. */
  output?: string;
}

/** Whether the table on the branch holds this output already (its snapshot records the fingerprint). */
export async function holdsOutput(catalog: Catalog, tableName: string, options: Required<MaterializeOptions>): Promise<boolean> {
  const view = await LakeView.open(catalog, options.branch);
  const located = await view.locate(tableName);
  const id = located?.position;
  return typeof id === "number" && located!.table.snapshotById(id).summary[OUTPUT] === options.output;
}

export async function materialize(catalog: Catalog, duck: Duck, tableName: string, output: ArrowTable, model: string, options: MaterializeOptions = {}): Promise<{ table: string; snapshotId: number }> {
  const view = await LakeView.open(catalog, options.branch ?? MAIN);
  checkWritable(view);
  const conn = await duck.fork();
  try {
    await loadArrowIntoDuckDB(conn, "__materialize", output);
    const columns = (await conn.rows("DESCRIBE __materialize")).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    const fields = columns.map((c) => {
      const type = icebergTypeOf(c.type);
      if (!type) throw new MaterializeError(`model "${model}" cannot be materialized: column ${c.name} has type ${c.type}`);
      return { name: c.name, type, required: false };
    });
    let table;
    const located = await view.locate(tableName);
    if (located) {
      if (located.position === undefined) await view.loadTable(tableName); // says where the table is instead
      table = await catalog.loadTable(tableName);
      const existing = table.schema().fields.map((f) => `${f.name}:${f.type}`).join(", ");
      const now = fields.map((f) => `${f.name}:${f.type}`).join(", ");
      if (existing !== now) {
        throw new MaterializeError(`model "${model}" cannot replace table ${table.name}: its columns changed (${existing} -> ${now}); drop the table (lakeloop drop ${table.name}) or materialize under another name`);
      }
    } else {
      const time = fields.find((f) => f.type === "timestamp" || f.type === "timestamptz");
      table = await createTableOn(view, tableName, fields, time ? { partitionBy: `month(${time.name})` } : {});
    }
    const files = await writeDataFiles(table, conn, "SELECT * FROM __materialize");
    try {
      const summary = { "lakeloop.model": model, ...(options.output ? { [OUTPUT]: options.output } : {}) };
      const committed = await commitOnRef(view, table, { operation: "replace", files, summary });
      return { table: committed.table.name, snapshotId: committed.snapshotId };
    } catch (err) {
      await removeDataFiles(table, files);
      throw err;
    }
  } finally {
    await conn.run("DROP TABLE IF EXISTS __materialize").catch(() => {});
    conn.close();
  }
}
