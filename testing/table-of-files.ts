// Tests' tables around Parquet files other writers made: a table of the given schema
// (nested types too, which lakeloop's own create refuses) committed by lakeloop with
// those files as they are, copied into the table's data folder.
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { dataFileFromMetadata } from "../lake/parquet/data-file.js";
import { parseParquetMetadata } from "../lake/parquet/metadata.js";
import type { Field } from "../lake/schema.js";
import type { Catalog } from "../lake/iceberg/catalog.js";
import type { Table } from "../lake/iceberg/table.js";

export async function tableOfFiles(catalog: Catalog, name: string, fields: Field[], files: string[]): Promise<Table> {
  let table = await catalog.createTable(name, [{ name: "placeholder", type: "int", required: false }]);
  const lastId = (type: unknown): number => JSON.stringify(type).match(/"(?:id|element-id|key-id|value-id)":(\d+)/g)?.reduce((m, s) => Math.max(m, Number(s.split(":")[1])), 0) ?? 0;
  table = await table.commitMetadata(async (base) => ({
    ...base.metadata, "last-column-id": Math.max(...fields.map((f) => Math.max(f.id, lastId(f.type)))), schemas: [{ "schema-id": 0, type: "struct", fields }],
  }));
  const schema = table.schema();
  const dataFiles = await Promise.all(files.map(async (file, i) => {
    const bytes = await readFile(file);
    const key = `${table.rootKey}/data/${i}-${path.basename(file)}`;
    await catalog.store.put(key, bytes);
    return dataFileFromMetadata(parseParquetMetadata(bytes), { path: catalog.store.uriOf(key), fileSizeBytes: bytes.length, partition: {}, specId: 0, schema });
  }));
  return table.commit({ operation: "append", files: dataFiles });
}
