// For the planner's unit tests: a real local file lake in a temp folder with a real
// DuckDB, tables written into it with rows, and cells turned into model definitions the
// way a session does — so the planner's pieces are tested directly, with no worker
// process and no Session.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Duck } from "../../columnar/duckdb.js";
import { Catalog } from "../../lake/iceberg/catalog.js";
import type { Table } from "../../lake/iceberg/table.js";
import { writeDataFiles } from "../../lake/ingest/write-data-files.js";
import type { Field } from "../../lake/schema.js";
import { FileStore } from "../../lake/store/file-store.js";
import { isSqlCell, parseSqlCell } from "../cells/sql-cell.js";
import { TsCellContext } from "../cells/ts-cell.js";
import type { ModelDefinition } from "../model/definition.js";
import { buildDag, type BuiltDag } from "./build-dag.js";
import { openCatalog } from "../../lake/open-catalog.js";

export interface TestLake {
  dir: string;
  store: FileStore;
  catalog: Catalog;
  duck: Duck;
  close(): Promise<void>;
}

/** An empty lake under a new temp folder, and a DuckDB to parse SQL with. */
export async function openTestLake(): Promise<TestLake> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-planner-"));
  const store = await FileStore.open(path.join(dir, "lake"));
  // An empty environment: a LAKELOOP_CATALOG of the machine's must not turn this into a REST catalog.
  const catalog = await openCatalog(store, {});
  const duck = await Duck.open({ threads: 1 });
  return {
    dir, store, catalog, duck,
    async close() {
      duck.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Appends the rows of `selectSql` to table `name` as one snapshot, creating it with `fields` first if needed. */
export async function appendRows(lake: TestLake, name: string, fields: Array<Omit<Field, "id">>, selectSql: string): Promise<Table> {
  const table = (await lake.catalog.tableExists(name)) ? await lake.catalog.loadTable(name) : await lake.catalog.createTable(name, fields);
  const files = await writeDataFiles(table, lake.duck, selectSql);
  return table.commit({ operation: "append", files });
}

/**
 * The definitions a cell makes, as a session makes them: `%%sql name` cells parsed, the
 * others evaluated as TypeScript. `sqlBodyLine`: as parseSqlCell's, for a header the caller added.
 */
export async function definitionsOf(cell: string, source: string, context = new TsCellContext(), sqlBodyLine?: number): Promise<ModelDefinition[]> {
  if (isSqlCell(source)) return [parseSqlCell(cell, source, sqlBodyLine)];
  return (await context.evaluate(cell, source)).definitions;
}

/** Every definition of the cells, in order (cell id -> source). */
export async function definitionsOfCells(cells: Record<string, string>): Promise<ModelDefinition[]> {
  const context = new TsCellContext();
  const all: ModelDefinition[] = [];
  for (const [cell, source] of Object.entries(cells)) all.push(...(await definitionsOf(cell, source, context)));
  return all;
}

/** The DAG of the cells' definitions over the lake (cell id -> source). */
export async function dagOf(lake: TestLake, cells: Record<string, string>): Promise<BuiltDag> {
  return buildDag(await definitionsOfCells(cells), { catalog: lake.catalog, duck: lake.duck });
}
