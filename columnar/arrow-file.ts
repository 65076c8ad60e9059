// Reading an Arrow IPC file or stream from disk into a DuckDB table.
import { readFile } from "node:fs/promises";
import { tableFromIPC } from "apache-arrow";
import { loadArrowIntoDuckDB } from "./arrow-into-duckdb.js";
import type { Duck } from "./duckdb.js";

export async function loadArrowFile(duck: Duck, tableName: string, file: string): Promise<void> {
  let table;
  try {
    table = tableFromIPC(await readFile(file));
  } catch (err) {
    throw Object.assign(new Error(`${file} is not an Arrow IPC file or stream: ${(err as Error).message}`), { code: "BAD_ARROW" });
  }
  await loadArrowIntoDuckDB(duck, tableName, table);
}
