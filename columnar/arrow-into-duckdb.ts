// Arrow tables into DuckDB tables, column by column with bulk copies: fixed-width
// values and validity bits go into DuckDB vectors with one copy per 2048-row chunk;
// strings are handed over as byte views (no JS string per value); dictionary columns
// are resolved through their dictionary.
import bindings from "@duckdb/node-bindings";
import {
  BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, DuckDBDataChunk, FLOAT, INTEGER, SMALLINT, TIMESTAMP, TIMESTAMPTZ, TINYINT,
  UBIGINT, UINTEGER, USMALLINT, UTINYINT, VARCHAR, type DuckDBType,
} from "@duckdb/node-api";
import { DataType, makeData, Type, type Data, type Table } from "apache-arrow";
import { copyBits } from "./buffers.js";
import { quoteIdent, type Duck } from "./duckdb.js";
import { UnsupportedTypeError } from "./arrow-from-duckdb.js";

const CHUNK = 2048;

interface Plan {
  duck: DuckDBType;
  sql: string;
  /** Bytes per value in DuckDB's vector (0 for strings and booleans). */
  width: number;
  /** Multiply (timestamps in coarser units) or divide (nanoseconds) to reach microseconds. */
  scale?: bigint;
  divide?: bigint;
}

function planOf(type: DataType, column: string): Plan {
  if (DataType.isDictionary(type)) return planOf(type.dictionary, column);
  switch (type.typeId) {
    case Type.Bool: return { duck: BOOLEAN, sql: "BOOLEAN", width: 0 };
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: number; isSigned: boolean };
      const table: Record<string, [DuckDBType, string]> = {
        "8s": [TINYINT, "TINYINT"], "16s": [SMALLINT, "SMALLINT"], "32s": [INTEGER, "INTEGER"], "64s": [BIGINT, "BIGINT"],
        "8u": [UTINYINT, "UTINYINT"], "16u": [USMALLINT, "USMALLINT"], "32u": [UINTEGER, "UINTEGER"], "64u": [UBIGINT, "UBIGINT"],
      };
      const [duck, sql] = table[`${bitWidth}${isSigned ? "s" : "u"}`]!;
      return { duck, sql, width: bitWidth / 8 };
    }
    case Type.Float: {
      const precision = (type as unknown as { precision: number }).precision;
      if (precision === 1) return { duck: FLOAT, sql: "FLOAT", width: 4 };
      if (precision === 2) return { duck: DOUBLE, sql: "DOUBLE", width: 8 };
      break;
    }
    case Type.Date: {
      if ((type as unknown as { unit: number }).unit === 0) return { duck: DATE, sql: "DATE", width: 4 };
      break;
    }
    case Type.Timestamp: {
      const { unit, timezone } = type as unknown as { unit: number; timezone?: string | null };
      const base = timezone ? { duck: TIMESTAMPTZ, sql: "TIMESTAMPTZ" } : { duck: TIMESTAMP, sql: "TIMESTAMP" };
      // TimeUnit: 0 s, 1 ms, 2 us, 3 ns
      return { ...base, width: 8, ...(unit === 0 ? { scale: 1_000_000n } : unit === 1 ? { scale: 1000n } : unit === 3 ? { divide: 1000n } : {}) };
    }
    case Type.Utf8: case Type.LargeUtf8: return { duck: VARCHAR, sql: "VARCHAR", width: 0 };
    case Type.Binary: case Type.LargeBinary: return { duck: BLOB, sql: "BLOB", width: 0 };
  }
  throw new UnsupportedTypeError(`column "${column}" has Arrow type ${String(type)}, which lakeloop cannot load into DuckDB`);
}

/**
 * A column's rows [from, from + count) as one DuckDB vector. Arrow JS slices the data
 * and offset buffers of a sliced column but not its bit buffers (validity, booleans),
 * which keep counting from `data.offset`.
 */
function fillVector(vector: bindings.Vector, data: Data, plan: Plan, from: number, count: number): void {
  const at = data.offset + from;
  if (data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0) {
    bindings.vector_ensure_validity_writable(vector);
    const bits = new Uint8Array(Math.ceil(count / 64) * 8);
    copyBits(bits, 0, data.nullBitmap, at, count);
    bindings.copy_data_to_vector_validity(vector, 0, bits.buffer, 0, bits.byteLength);
  }
  const valid = (i: number) => data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0 || (data.nullBitmap[(at + i) >> 3]! & (1 << ((at + i) & 7))) !== 0;
  const type = data.type as DataType;
  if (DataType.isDictionary(type)) {
    const dictionary = data.dictionary!.data[0]!;
    const keys = data.values as ArrayLike<number>;
    const offsets = dictionary.valueOffsets;
    const bytes = dictionary.values as Uint8Array;
    for (let i = 0; i < count; i++) {
      if (!valid(i)) continue;
      const k = Number(keys[from + i]);
      bindings.vector_assign_string_element_len(vector, i, bytes.subarray(Number(offsets[k]), Number(offsets[k + 1])));
    }
    return;
  }
  if (plan.width === 0 && plan.sql !== "BOOLEAN") {
    const offsets = data.valueOffsets;
    const bytes = data.values as Uint8Array;
    for (let i = 0; i < count; i++) {
      if (valid(i)) bindings.vector_assign_string_element_len(vector, i, bytes.subarray(Number(offsets[from + i]), Number(offsets[from + i + 1])));
    }
    return;
  }
  if (plan.sql === "BOOLEAN") {
    const out = new Uint8Array(count);
    const bits = data.values as Uint8Array;
    for (let i = 0; i < count; i++) out[i] = (bits[(at + i) >> 3]! >> ((at + i) & 7)) & 1;
    bindings.copy_data_to_vector(vector, 0, out.buffer, 0, count);
    return;
  }
  const values = data.values as ArrayBufferView;
  const byteStart = values.byteOffset + from * plan.width;
  if (plan.scale || plan.divide) {
    const src = new BigInt64Array(values.buffer, byteStart, count);
    const out = plan.scale ? src.map((v) => v * plan.scale!) : src.map((v) => v / plan.divide!);
    bindings.copy_data_to_vector(vector, 0, out.buffer, 0, count * 8);
    return;
  }
  bindings.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, byteStart, count * plan.width);
}

export interface LoadOptions {
  /** CREATE TEMP TABLE (default true): gone with the connection. */
  temporary?: boolean;
  /** Drop a table of that name first (default true). */
  replace?: boolean;
}

/**
 * DuckDB's bindings copy only from ordinary ArrayBuffers: a column living in shared
 * memory (a scan or SQL output) is copied out once per batch before loading.
 */
function unshared(data: Data): Data {
  const buffers = [data.valueOffsets, data.values, data.nullBitmap] as (ArrayBufferView | undefined)[];
  if (!buffers.some((b) => b && b.buffer instanceof SharedArrayBuffer)) return data;
  const copy = <T extends ArrayBufferView | undefined>(b: T): T => (b && b.buffer instanceof SharedArrayBuffer ? (b as unknown as { slice(): T }).slice() : b);
  return makeData({
    type: data.type, offset: data.offset, length: data.length, nullCount: data.nullCount,
    valueOffsets: copy(data.valueOffsets), data: copy(data.values), nullBitmap: copy(data.nullBitmap), dictionary: data.dictionary,
  } as never) as Data;
}

/** Creates DuckDB table `name` with the Arrow table's columns and rows. */
export async function loadArrowIntoDuckDB(duck: Duck, name: string, table: Table, options: LoadOptions = {}): Promise<void> {
  const fields = table.schema.fields;
  const plans = fields.map((f) => planOf(f.type, f.name));
  if (options.replace ?? true) await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
  const columns = fields.map((f, i) => `${quoteIdent(f.name)} ${plans[i]!.sql}`).join(", ");
  await duck.run(`CREATE ${options.temporary ?? true ? "TEMP " : ""}TABLE ${quoteIdent(name)} (${columns})`);
  if (table.numRows === 0 || fields.length === 0) return;
  const appender = await duck.connection.createAppender(name);
  try {
    const types = plans.map((p) => p.duck);
    for (const batch of table.batches) {
      const children = batch.data.children.map((child) => unshared(child as Data));
      for (let from = 0; from < batch.numRows; from += CHUNK) {
        const count = Math.min(CHUNK, batch.numRows - from);
        const chunk = DuckDBDataChunk.create(types, count);
        plans.forEach((plan, i) => fillVector(bindings.data_chunk_get_vector(chunk.chunk, i), children[i]!, plan, from, count));
        bindings.data_chunk_set_size(chunk.chunk, count);
        appender.appendDataChunk(chunk);
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

