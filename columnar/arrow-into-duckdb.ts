// Arrow tables into DuckDB tables through the appender (the JavaScript path, when the
// native bridge is not built), column by column with bulk copies: fixed-width values
// and validity bits go into DuckDB vectors with one copy per 2,048-row chunk;
// dictionary strings go in as ENUM codes (one copy of remapped keys, no string per
// value); plain strings are handed over as byte views. Columns are planned once per
// table by columnar/duckdb-columns.ts, the same plan the native path registers.
import bindings from "@duckdb/node-bindings";
import { DuckDBDataChunk } from "@duckdb/node-api";
import type { Data, Table } from "apache-arrow";
import { copyBits } from "./buffers.js";
import { planDuckColumns, type DuckColumn } from "./duckdb-columns.js";
import { quoteIdent, type Duck } from "./duckdb.js";

const CHUNK = 2048;

const ENUM_CODES = (values: number) => (values <= 0xff ? Uint8Array : values <= 0xffff ? Uint16Array : Uint32Array);

/** Arrow JS slices value buffers to the data's first row; bit buffers count from data.offset. */
function fillVector(vector: bindings.Vector, data: Data, column: DuckColumn, batch: number, from: number, count: number): void {
  const bit = data.offset + from;
  const hasNulls = data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0;
  if (hasNulls) {
    bindings.vector_ensure_validity_writable(vector);
    const bits = new Uint8Array(Math.ceil(count / 64) * 8);
    copyBits(bits, 0, data.nullBitmap!, bit, count);
    bindings.copy_data_to_vector_validity(vector, 0, bits.buffer, 0, bits.byteLength);
  }
  const valid = (i: number) => !hasNulls || (data.nullBitmap![(bit + i) >> 3]! & (1 << ((bit + i) & 7))) !== 0;
  switch (column.kind) {
    case "fixed":
    case "decimal": {
      const values = data.values as ArrayBufferView;
      const start = values.byteOffset + from * column.width;
      const bytes = new Uint8Array(values.buffer, start, count * column.width);
      if (column.kind === "decimal" && column.precision! <= 18) {
        // DuckDB keeps decimals of up to 18 digits in 2, 4 or 8 bytes: the low bytes.
        const width = column.precision! <= 4 ? 2 : column.precision! <= 9 ? 4 : 8;
        const out = new Uint8Array(count * width);
        for (let i = 0; i < count; i++) out.set(bytes.subarray(i * 16, i * 16 + width), i * width);
        bindings.copy_data_to_vector(vector, 0, out.buffer, 0, out.byteLength);
      } else {
        // The bindings copy only from ordinary ArrayBuffers: shared memory is copied out once.
        const plain = bytes.buffer instanceof SharedArrayBuffer ? bytes.slice() : bytes;
        bindings.copy_data_to_vector(vector, 0, plain.buffer as ArrayBuffer, plain.byteOffset, plain.byteLength);
      }
      return;
    }
    case "scaled": {
      const values = data.values as BigInt64Array;
      const out = new BigInt64Array(count);
      const multiply = BigInt(column.multiply ?? 1);
      const divide = BigInt(column.divide ?? 1);
      for (let i = 0; i < count; i++) out[i] = column.divide ? values[from + i]! / divide : values[from + i]! * multiply;
      bindings.copy_data_to_vector(vector, 0, out.buffer, 0, out.byteLength);
      return;
    }
    case "bool": {
      const out = new Uint8Array(count);
      const bits = data.values as Uint8Array;
      for (let i = 0; i < count; i++) out[i] = (bits[(bit + i) >> 3]! >> ((bit + i) & 7)) & 1;
      bindings.copy_data_to_vector(vector, 0, out.buffer, 0, count);
      return;
    }
    case "enum": {
      const keys = data.values as Int32Array;
      const remap = column.remaps![batch]!;
      const out = new (ENUM_CODES(column.values!.length))(count);
      for (let i = 0; i < count; i++) out[i] = valid(i) ? remap[keys[from + i]!]! : 0;
      bindings.copy_data_to_vector(vector, 0, out.buffer, 0, out.byteLength);
      return;
    }
    case "utf8": {
      const offsets = data.valueOffsets;
      const bytes = plainBytes(data.values as Uint8Array);
      for (let i = 0; i < count; i++) {
        if (valid(i)) bindings.vector_assign_string_element_len(vector, i, bytes.subarray(offsets[from + i]!, offsets[from + i + 1]!));
      }
      return;
    }
    case "dict-utf8": {
      const dictionary = data.dictionary!.data[0] as Data;
      const keys = data.values as Int32Array;
      const offsets = dictionary.valueOffsets;
      const bytes = plainBytes(dictionary.values as Uint8Array);
      for (let i = 0; i < count; i++) {
        if (!valid(i)) continue;
        const k = keys[from + i]!;
        bindings.vector_assign_string_element_len(vector, i, bytes.subarray(offsets[k]!, offsets[k + 1]!));
      }
      return;
    }
  }
}

/** String bytes in an ordinary ArrayBuffer (the bindings refuse shared memory), copied once per batch. */
const unsharedBytes = new WeakMap<Uint8Array, Uint8Array>();
function plainBytes(bytes: Uint8Array): Uint8Array {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) return bytes;
  let copy = unsharedBytes.get(bytes);
  if (!copy) unsharedBytes.set(bytes, (copy = bytes.slice()));
  return copy;
}

export interface LoadOptions {
  /** CREATE TEMP TABLE (default true): gone with the connection. */
  temporary?: boolean;
  /** Drop a table of that name first (default true). */
  replace?: boolean;
}

/** Creates DuckDB table `name` with the Arrow table's columns and rows. */
export async function loadArrowIntoDuckDB(duck: Duck, name: string, table: Table, options: LoadOptions = {}): Promise<void> {
  const plan = planDuckColumns(table);
  if (options.replace ?? true) await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
  const columns = plan.map((c) => `${quoteIdent(c.name)} ${c.sql}`).join(", ");
  await duck.run(`CREATE ${options.temporary ?? true ? "TEMP " : ""}TABLE ${quoteIdent(name)} (${columns})`);
  if (table.numRows === 0 || plan.length === 0) return;
  const appender = await duck.connection.createAppender(name);
  try {
    const types = plan.map((_, i) => appender.columnType(i));
    for (const [b, batch] of table.batches.entries()) {
      const children = batch.data.children as Data[];
      for (let from = 0; from < batch.numRows; from += CHUNK) {
        const count = Math.min(CHUNK, batch.numRows - from);
        const chunk = DuckDBDataChunk.create(types, count);
        plan.forEach((column, i) => fillVector(bindings.data_chunk_get_vector(chunk.chunk, i), children[i]!, column, b, from, count));
        bindings.data_chunk_set_size(chunk.chunk, count);
        appender.appendDataChunk(chunk);
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
