// Decoding fetched column chunks of one row group into Arrow with DuckDB's native
// Parquet reader: the chunks become a mini Parquet file in memory-backed temp space
// (/dev/shm when there is one), DuckDB reads it, and the result arrives as Arrow
// columns in shared memory by bulk copies. Nested columns are read level by level
// (decode-nested.ts).
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Data } from "apache-arrow";
import { arrowFromDuckDB } from "../../columnar/arrow-from-duckdb.js";
import { quoteIdent, quoteLiteral, type Duck } from "../../columnar/duckdb.js";
import type { IcebergType } from "../../lake/schema.js";
import type { FileNode } from "../../lake/scan/file-columns.js";
import { decodeNestedColumn, selectAs } from "./decode-nested.js";
import { buildMiniParquet, type ChunkBytes } from "./mini-parquet.js";

export interface TypedChunkBytes extends ChunkBytes {
  /** The type to decode as (the file's, for a primitive; the table's, for a nested column). */
  type: IcebergType;
  fileTree?: FileNode;
}

const SCRATCH = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
let sequence = 0;

export class DecodeError extends Error {
  override name = "DecodeError";
  readonly code = "DECODE_FAILED";
}

/** Arrow column data for each chunk, by column name. */
export async function decodeRowGroup(duck: Duck, footer: Uint8Array, rowGroup: number, rowCount: number, chunks: TypedChunkBytes[], where: string): Promise<Map<string, Data>> {
  let mini: Uint8Array;
  try {
    mini = buildMiniParquet(footer, rowGroup, chunks);
  } catch (err) {
    throw new DecodeError(`cannot rebuild row group ${rowGroup} of ${where}: ${(err as Error).message}`);
  }
  const file = path.join(SCRATCH, `lakeloop-${process.pid}-${++sequence}.parquet`);
  await writeFile(file, mini);
  const failed = (columns: TypedChunkBytes[]) => (err: unknown) => {
    throw new DecodeError(`cannot decode row group ${rowGroup} of ${where} (columns ${columns.map((c) => c.column).join(", ")}): ${(err as Error).message.split("\n")[0]}`);
  };
  try {
    const out = new Map<string, Data>();
    const relation = `read_parquet(${quoteLiteral(file)})`;
    const flat = chunks.filter((c) => !c.fileTree);
    if (flat.length > 0) {
      const columns = flat.map((c) => `${selectAs(quoteIdent(c.column), c.type)} AS ${quoteIdent(c.column)}`).join(", ");
      const table = await arrowFromDuckDB(duck, `SELECT ${columns} FROM ${relation}`, { shared: true, batchRows: Math.max(2048, rowCount) }).catch(failed(flat));
      if (table.numRows !== rowCount || table.batches.length !== 1) {
        throw new DecodeError(`row group ${rowGroup} of ${where} decoded to ${table.numRows} rows, expected ${rowCount}`);
      }
      flat.forEach((c, i) => out.set(c.column, table.batches[0]!.data.children[i]!));
    }
    for (const c of chunks.filter((c) => c.fileTree)) {
      out.set(c.column, await decodeNestedColumn(duck, relation, c.column, c.type, c.fileTree, rowCount).catch(failed([c])));
    }
    return out;
  } finally {
    await rm(file, { force: true });
  }
}
