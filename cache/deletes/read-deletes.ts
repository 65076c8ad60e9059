// Reading delete files through the store, each once per worker: Parquet position
// deletes become, per data file they name, the sorted deleted positions; deletion
// vectors (a byte range of a Puffin file) the same; equality deletes the set of row
// keys (value-key.ts) of their columns, found by field id and conformed to the table's
// types. Parsed deletes stay in memory by file identity (delete files, like data
// files, are never rewritten in place); their raw bytes go to the disk tier, so a
// restarted worker does not fetch them again.
import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Data } from "apache-arrow";
import { arrowFromDuckDB } from "../../columnar/arrow-from-duckdb.js";
import { quoteIdent, quoteLiteral, type Duck } from "../../columnar/duckdb.js";
import type { DataFile } from "../../lake/iceberg/types.js";
import { parseParquetMetadata } from "../../lake/parquet/metadata.js";
import { columnsByFieldId } from "../../lake/scan/file-columns.js";
import type { Field } from "../../lake/schema.js";
import type { ObjectStore } from "../../lake/store/object-store.js";
import { conformData } from "../conform-column.js";
import type { DiskTier } from "../disk-tier.js";
import { hasherNow, loadHasher } from "../hash.js";
import { readDeletionVector } from "./deletion-vector.js";
import { rowKeys } from "./value-key.js";

const SCRATCH = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
const MAX_PARSED = 4096;
let sequence = 0;

export class DeleteFileError extends Error {
  override name = "DeleteFileError";
  readonly code = "BAD_DELETE_FILE";
}

export interface EqualityDeletes {
  /** Field ids compared, in the delete file's order. */
  ids: number[];
  keys: Set<string>;
}

export class DeleteReader {
  readonly #parsed = new Map<string, Promise<unknown>>();
  /** Bytes of delete files fetched from the store (for scan statistics). */
  fetchedBytes = 0;

  constructor(readonly store: ObjectStore, readonly duck: () => Promise<Duck>, readonly disk?: DiskTier) {}

  #once<T>(id: string, load: () => Promise<T>): Promise<T> {
    let entry = this.#parsed.get(id) as Promise<T> | undefined;
    if (!entry) {
      entry = load();
      entry.catch(() => this.#parsed.delete(id));
      this.#parsed.set(id, entry);
      if (this.#parsed.size > MAX_PARSED) this.#parsed.delete(this.#parsed.keys().next().value!);
    }
    return entry;
  }

  /** The bytes of a delete file (or of its range), from the disk tier or the store. */
  async #bytes(file: DataFile, range?: { offset: number; length: number }): Promise<Uint8Array> {
    await loadHasher();
    const key = hasherNow().h64ToString(`delete|${file.path}|${file.fileSizeBytes}|${range?.offset ?? ""}|${range?.length ?? ""}`);
    const cached = this.disk ? await this.disk.read(key) : undefined;
    if (cached?.bytes) return cached.bytes;
    const bytes = await this.store.get(this.store.keyOf(file.path), range);
    this.fetchedBytes += bytes.length;
    this.disk?.writeLater(key, bytes.slice());
    return bytes;
  }

  /** DuckDB's reading of a Parquet delete file's columns, as Arrow columns. */
  async #readParquet(file: DataFile, bytes: Uint8Array, columns: string[]): Promise<Data[]> {
    const scratch = path.join(SCRATCH, `lakeloop-deletes-${process.pid}-${++sequence}.parquet`);
    await writeFile(scratch, bytes);
    try {
      const table = await arrowFromDuckDB(await this.duck(), `SELECT ${columns.map(quoteIdent).join(", ")} FROM read_parquet(${quoteLiteral(scratch)})`, { shared: true });
      if (table.numRows === 0) return [];
      return columns.map((_, i) => (table.batches.length === 1 ? table.batches[0]!.data.children[i]! : table.getChildAt(i)!.data[0]!));
    } catch (err) {
      throw new DeleteFileError(`delete file ${file.path} is not readable: ${(err as Error).message.split("\n")[0]}`);
    } finally {
      await rm(scratch, { force: true });
    }
  }

  /** Deleted positions of the data file recorded as `dataPath`, ascending. */
  async positions(file: DataFile, dataPath: string): Promise<Float64Array> {
    if (file.format === "puffin") {
      if (file.contentOffset === undefined || file.contentSizeInBytes === undefined) {
        throw new DeleteFileError(`deletion vector ${file.path} has no content offset and size in its manifest entry`);
      }
      return this.#once(`dv|${file.path}|${file.contentOffset}`, async () =>
        readDeletionVector(await this.#bytes(file, { offset: file.contentOffset!, length: file.contentSizeInBytes! }), `${file.path}@${file.contentOffset}`));
    }
    const all = await this.#once(`pos|${file.path}`, async () => {
      const [paths, positions] = await this.#readParquet(file, await this.#bytes(file), ["file_path", "pos"]);
      const byPath = new Map<string, number[]>();
      if (paths && positions) {
        const pathOf = rowKeys([paths]);
        const pos = positions.values as BigInt64Array;
        for (let i = 0; i < paths.length; i++) {
          const p = pathOf(i);
          let list = byPath.get(p);
          if (!list) byPath.set(p, (list = []));
          list.push(Number(pos[i]));
        }
      }
      return new Map([...byPath].map(([p, list]) => [p, Float64Array.from(list).sort()]));
    });
    return all.get(dataPath) ?? new Float64Array(0);
  }

  /** The row keys an equality delete file deletes, its columns conformed to the table's `fields` (by id). */
  async equality(file: DataFile, fields: Field[]): Promise<EqualityDeletes> {
    const ids = file.equalityIds ?? [];
    return this.#once(`eq|${file.path}|${fields.map((f) => `${f.id}:${JSON.stringify(f.type)}`).join(",")}`, async () => {
      const bytes = await this.#bytes(file);
      const metadata = parseParquetMetadata(bytes);
      const byId = columnsByFieldId(metadata, { "schema-id": 0, type: "struct", fields });
      const names = ids.map((id) => {
        const column = byId.get(id);
        if (!column) throw new DeleteFileError(`equality delete file ${file.path} has no column for field id ${id}`);
        return column.name;
      });
      const columns = await this.#readParquet(file, bytes, names);
      const conformed = columns.map((data, i) => conformData(data, fields.find((f) => f.id === ids[i])!.type, names[i]!));
      const keyOf = rowKeys(conformed);
      const keys = new Set<string>();
      for (let i = 0; i < (conformed[0]?.length ?? 0); i++) keys.add(keyOf(i));
      return { ids, keys };
    });
  }
}
