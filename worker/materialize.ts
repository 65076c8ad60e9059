// Writing a model's output to the lake: the Arrow table goes through DuckDB into
// Parquet data files and becomes a new snapshot of the target table in one atomic
// commit (the table is created on first materialization, partitioned by month of its
// first timestamp column if it has one).
import type { Table as ArrowTable } from "apache-arrow";
import { loadArrowIntoDuckDB } from "../columnar/arrow-into-duckdb.js";
import type { Duck } from "../columnar/duckdb.js";
import type { Catalog } from "../lake/iceberg/catalog.js";
import { icebergTypeOf } from "../lake/ingest/duckdb-types.js";
import { removeDataFiles, writeDataFiles } from "../lake/ingest/write-data-files.js";

export class MaterializeError extends Error {
  override name = "MaterializeError";
  readonly code = "MATERIALIZE_FAILED";
}

export async function materialize(catalog: Catalog, duck: Duck, tableName: string, output: ArrowTable, model: string): Promise<{ table: string; snapshotId: number }> {
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
    if (await catalog.tableExists(tableName)) {
      table = await catalog.loadTable(tableName);
      const existing = table.schema().fields.map((f) => `${f.name}:${f.type}`).join(", ");
      const now = fields.map((f) => `${f.name}:${f.type}`).join(", ");
      if (existing !== now) {
        throw new MaterializeError(`model "${model}" cannot replace table ${table.name}: its columns changed (${existing} -> ${now}); drop the table (lakeloop drop ${table.name}) or materialize under another name`);
      }
    } else {
      const time = fields.find((f) => f.type === "timestamp" || f.type === "timestamptz");
      table = await catalog.createTable(tableName, fields, time ? { partitionBy: `month(${time.name})` } : {});
    }
    const files = await writeDataFiles(table, conn, "SELECT * FROM __materialize");
    try {
      const committed = await table.commit({ operation: "replace", files, summary: { "lakeloop.model": model } });
      return { table: committed.name, snapshotId: committed.currentSnapshot()!["snapshot-id"] };
    } catch (err) {
      await removeDataFiles(table, files);
      throw err;
    }
  } finally {
    await conn.run("DROP TABLE IF EXISTS __materialize").catch(() => {});
    conn.close();
  }
}
