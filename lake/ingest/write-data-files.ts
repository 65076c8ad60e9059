// Writing rows into a table's data files: DuckDB runs a SELECT, casts it to the table's
// types, computes the partition values, and writes one Parquet file per partition
// (sorted by the first timestamp column so row-group statistics prune time windows,
// with Iceberg field ids); each file is uploaded and described as a DataFile from its
// own footer. Nothing is committed here, and on failure nothing stays behind (what a
// killed writer leaves in its staging folder, the next process sweeps).
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import * as path from "node:path";
import { quoteIdent, quoteLiteral, type Duck } from "../../columnar/duckdb.js";
import { primitiveTypeOf, type Scalar } from "../schema.js";
import type { Table } from "../iceberg/table.js";
import type { DataFile } from "../iceberg/types.js";
import { partitionPath } from "../iceberg/partition.js";
import { parsePartitionKey, sqlForPartitionKey } from "../iceberg/partition-key.js";
import { dataFileFromMetadata } from "../parquet/data-file.js";
import { readFooterFromFile } from "../parquet/footer.js";
import { duckTypeOf } from "./duckdb-types.js";
import { stagingPrefix, sweepStagingOnce } from "./sweep-staging.js";

export interface WriteProgress {
  files: number;
  rows: number;
  bytes: number;
}

export interface WriteOptions {
  /** Rows per Parquet row group (default 65,536): the unit of pruning and of caching. */
  rowGroupRows?: number;
  onProgress?: (progress: WriteProgress) => void;
}

export const DEFAULT_ROW_GROUP_ROWS = 65_536;

export async function writeDataFiles(table: Table, duck: Duck, selectSql: string, options: WriteOptions = {}): Promise<DataFile[]> {
  const schema = table.schema();
  const spec = table.partitionSpec();
  const store = table.catalog.store;
  await sweepStagingOnce();
  const staging = await mkdtemp(stagingPrefix());
  const uploaded: string[] = [];
  try {
    const casts = schema.fields.map((f) => `CAST(${quoteIdent(f.name)} AS ${duckTypeOf(primitiveTypeOf(f, "writing Parquet"))}) AS ${quoteIdent(f.name)}`);
    const partitionColumns = spec.fields.map((f, i) => `${sqlForPartitionKey(f, schema)} AS __p${i}`);
    const sortColumn = schema.fields.find((f) => f.type === "timestamp" || f.type === "timestamptz");
    const fieldIds = schema.fields.map((f) => `${quoteIdent(f.name)}: ${f.id}`).join(", ");
    const query = `SELECT *${partitionColumns.map((c) => ", " + c).join("")} FROM (SELECT ${casts.join(", ")} FROM (${selectSql}) AS __source)` +
      (sortColumn ? ` ORDER BY ${quoteIdent(sortColumn.name)}` : "");
    const copyOptions = [
      "FORMAT parquet", "COMPRESSION zstd", `ROW_GROUP_SIZE ${options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS}`, `FIELD_IDS {${fieldIds}}`,
      ...(spec.fields.length ? [`PARTITION_BY (${spec.fields.map((_, i) => `__p${i}`).join(", ")})`, "OVERWRITE_OR_IGNORE"] : []),
    ];
    const target = spec.fields.length ? staging : path.join(staging, "data.parquet");
    await duck.run(`COPY (${query}) TO ${quoteLiteral(target)} (${copyOptions.join(", ")})`);

    const files: DataFile[] = [];
    const progress: WriteProgress = { files: 0, rows: 0, bytes: 0 };
    for (const local of await listParquet(staging)) {
      const partition = partitionOf(path.relative(staging, local), table);
      const footer = await readFooterFromFile(local);
      if (Number(footer.metadata.num_rows) === 0) continue;
      const key = table.newDataFileKey(spec.fields.length ? partitionPath(spec, partition, schema) : undefined);
      const info = await store.putFile(key, local);
      uploaded.push(key);
      files.push(dataFileFromMetadata(footer.metadata, {
        path: store.uriOf(key), fileSizeBytes: info.size, partition, specId: spec["spec-id"], schema,
      }));
      progress.files++;
      progress.rows += Number(footer.metadata.num_rows);
      progress.bytes += info.size;
      options.onProgress?.({ ...progress });
    }
    return files;
  } catch (err) {
    await Promise.all(uploaded.map((key) => store.delete(key).catch(() => {})));
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Deletes data files that were written but will not be committed. */
export async function removeDataFiles(table: Table, files: DataFile[]): Promise<void> {
  const store = table.catalog.store;
  await Promise.all(files.map((f) => store.delete(store.keyOf(f.path)).catch(() => {})));
}

async function listParquet(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".parquet")) out.push(path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name));
  }
  return out.sort();
}

/** Partition tuple from DuckDB's hive directories "__p0=v636/__p1=n/data_0.parquet". */
function partitionOf(relative: string, table: Table): Record<string, Scalar> {
  const spec = table.partitionSpec();
  const schema = table.schema();
  const keys = new Map<string, string>();
  for (const segment of relative.split(path.sep).slice(0, -1)) {
    const eq = segment.indexOf("=");
    if (eq > 0) keys.set(segment.slice(0, eq), decodeURIComponent(segment.slice(eq + 1)));
  }
  const partition: Record<string, Scalar> = {};
  spec.fields.forEach((f, i) => {
    partition[f.name] = parsePartitionKey(keys.get(`__p${i}`) ?? "n", f, schema);
  });
  return partition;
}
