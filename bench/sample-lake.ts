// The lake most benches start from: a folder lake under `dir` holding the sample
// `transactions` table, with the data files and their bytes (every figure states them)
// and how long writing took.
import * as path from "node:path";
import type { Catalog } from "../lake/iceberg/catalog.js";
import type { DataFile } from "../lake/iceberg/types.js";
import { writeSample } from "../lake/ingest/sample.js";
import { openCatalog } from "../lake/open-catalog.js";
import { FileStore } from "../lake/store/file-store.js";
import { timeIt } from "./util.js";

export interface SampleLake {
  store: FileStore;
  catalog: Catalog;
  files: DataFile[];
  lakeBytes: number;
  /** Milliseconds writing the sample took. */
  writeMs: number;
}

export async function writeSampleLake(dir: string, options: { rows: number; months: number }): Promise<SampleLake> {
  const store = await FileStore.open(path.join(dir, "lake"));
  const catalog = await openCatalog(store);
  const written = await timeIt(() => writeSample(catalog, options));
  const files = await written.value.dataFiles();
  return { store, catalog, files, lakeBytes: files.reduce((s, f) => s + f.fileSizeBytes, 0), writeMs: written.ms };
}
