// `lakeloop import`: a CSV (types inferred by DuckDB's sniffer), Parquet or Arrow IPC
// file becomes a table (create), more rows of it (append) or all of it (replace). The
// table changes by one commit or not at all: data files are written first, and on any
// failure they are removed and a table this import created is dropped.
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import { Duck, quoteIdent, quoteLiteral } from "../../columnar/duckdb.js";
import type { Catalog } from "../iceberg/catalog.js";
import type { Table } from "../iceberg/table.js";
import type { Field } from "../schema.js";
import { describeCsvError } from "./csv-errors.js";
import { csvSourceSql } from "./csv-source.js";
import { castAdvice, icebergTypeOf } from "./duckdb-types.js";
import { ImportError } from "./errors.js";
import { checkCastsAreExact } from "./exact-casts.js";
import { removeDataFiles, writeDataFiles, type WriteProgress } from "./write-data-files.js";

export type ImportMode = "create" | "append" | "replace";

export interface ImportOptions {
  mode: ImportMode;
  partitionBy?: string;
  /**
   * Add a column for each `key=value` folder of the file's path (hive partitioning).
   * Off by default: DuckDB's own detection gave a lake's data file extra columns.
   */
  hivePartitioning?: boolean;
  onProgress?: (progress: WriteProgress) => void;
  /** Loads an Arrow IPC file into a DuckDB table (the columnar room provides it). */
  loadArrow?: (duck: Duck, tableName: string, file: string) => Promise<void>;
}

export interface ImportResult {
  table: Table;
  rows: number;
  files: number;
  bytes: number;
}

interface Source {
  sql: string;
  columns: { name: string; type: string }[];
}

async function describeSource(duck: Duck, file: string, options: ImportOptions): Promise<Source> {
  const ext = path.extname(file).toLowerCase();
  const lit = quoteLiteral(path.resolve(file));
  const hive = options.hivePartitioning === true;
  let sql: string;
  if (ext === ".csv" || ext === ".tsv") {
    sql = await csvSourceSql(duck, file, hive);
  } else if (ext === ".parquet") {
    sql = `SELECT * FROM read_parquet(${lit}, hive_partitioning = ${hive})`;
  } else if (ext === ".arrow" || ext === ".arrows" || ext === ".feather" || ext === ".ipc") {
    if (!options.loadArrow) throw new ImportError("UNSUPPORTED_FILE", `importing Arrow files needs the columnar loader`);
    await options.loadArrow(duck, "__import_arrow", file);
    sql = `SELECT * FROM __import_arrow`;
  } else {
    throw new ImportError("UNSUPPORTED_FILE", `cannot import '${path.basename(file)}': use a .csv, .parquet or .arrow (Arrow IPC) file`);
  }
  let columns: { name: string; type: string }[];
  try {
    columns = (await duck.rows(`DESCRIBE ${sql}`)).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  } catch (err) {
    throw new ImportError("BAD_FILE", describeCsvError(file, (err as Error).message) ?? `${path.basename(file)}: ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
  return { sql, columns };
}

function fieldsOf(source: Source, file: string): Array<Omit<Field, "id">> {
  return source.columns.map((c) => {
    const type = icebergTypeOf(c.type);
    if (!type) throw new ImportError("UNSUPPORTED_TYPE", `${path.basename(file)} column ${c.name} has type ${c.type}, which a lakeloop table cannot hold exactly: ${castAdvice(c.name, c.type)}`);
    return { name: c.name, type, required: false };
  });
}

function checkSameColumns(table: Table, fields: Array<Omit<Field, "id">>, file: string): void {
  const want = table.schema().fields;
  const missing = want.filter((f) => !fields.some((g) => g.name === f.name)).map((f) => f.name);
  const extra = fields.filter((g) => !want.some((f) => f.name === g.name)).map((g) => g.name);
  if (missing.length || extra.length) {
    throw new ImportError("SCHEMA_MISMATCH", `${path.basename(file)} does not match table '${table.name}': ` +
      [missing.length ? `missing columns ${missing.join(", ")}` : "", extra.length ? `extra columns ${extra.join(", ")}` : ""].filter(Boolean).join("; "));
  }
}

export async function importFile(catalog: Catalog, tableName: string, file: string, options: ImportOptions): Promise<ImportResult> {
  if (!existsSync(file)) throw new ImportError("NO_FILE", `no file '${file}'`);
  if (statSync(file).size === 0) throw new ImportError("EMPTY_FILE", `'${file}' is empty`);
  const exists = await catalog.tableExists(tableName);
  if (options.mode === "create" && exists) throw new ImportError("TABLE_EXISTS", `table '${tableName}' already exists; use --mode append or --mode replace`);
  if (options.mode !== "create" && !exists) throw new ImportError("NO_TABLE", `table '${tableName}' does not exist; use --mode create`);

  const duck = await Duck.open();
  let created: Table | undefined;
  try {
    const source = await describeSource(duck, file, options);
    const fields = fieldsOf(source, file);
    let table: Table;
    if (options.mode === "create") {
      table = created = await catalog.createTable(tableName, fields, { partitionBy: options.partitionBy });
    } else {
      table = await catalog.loadTable(tableName);
      checkSameColumns(table, fields, file);
      await checkCastsAreExact(duck, source.sql, source.columns, table.schema().fields, file, table.name);
    }
    let files;
    try {
      files = await writeDataFiles(table, duck, `SELECT ${table.schema().fields.map((f) => quoteIdent(f.name)).join(", ")} FROM (${source.sql})`, { onProgress: options.onProgress });
    } catch (err) {
      const described = describeCsvError(file, (err as Error).message);
      throw described ? new ImportError("BAD_DATA", described, { cause: err }) : err;
    }
    try {
      table = await table.commit({ operation: options.mode === "replace" ? "replace" : "append", files, summary: { "lakeloop.import": path.basename(file) } });
    } catch (err) {
      await removeDataFiles(table, files);
      throw err;
    }
    created = undefined;
    return {
      table,
      rows: files.reduce((s, f) => s + f.recordCount, 0),
      files: files.length,
      bytes: files.reduce((s, f) => s + f.fileSizeBytes, 0),
    };
  } finally {
    if (created) await catalog.dropTable(created.name).catch(() => {});
    duck.close();
  }
}
