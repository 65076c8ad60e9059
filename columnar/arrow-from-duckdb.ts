// DuckDB results to Arrow on the JavaScript path (without the native bridge): the result
// is materialized once, then read chunk by chunk with the synchronous chunk API — each
// vector's fixed-width data copied whole, validity copied as bits, strings read as bytes
// from DuckDB's string_t, ENUM codes kept as dictionary keys — never a JS value per row.
// The columns become one Arrow record batch (or batches of `batchRows`) through
// columnar/table-from-buffers.ts, the same builder the native path uses.
import bindings from "@duckdb/node-bindings";
import { DuckDBTypeId, type DuckDBMaterializedResult, type DuckDBType } from "@duckdb/node-api";
import { RecordBatch, Table } from "apache-arrow";
import { allocate, ByteBuilder, copyBits, setBits } from "./buffers.js";
import { DuckDBError, type Duck } from "./duckdb.js";
import { UnsupportedTypeError } from "./errors.js";
import { tableFromBuffers, type BufferType, type ColumnBuffers } from "./table-from-buffers.js";

export { UnsupportedTypeError } from "./errors.js";

export interface ArrowFromDuckDBOptions {
  /** Allocate every buffer in SharedArrayBuffer memory (for zero-copy hand-off to threads). */
  shared?: boolean;
  /** Rows per Arrow record batch (default: the whole result in one batch). */
  batchRows?: number;
  /** Receives the milliseconds of the query (sql) and of reading its result (out). */
  timing?: { sql: number; out: number };
}

type Kind =
  | { kind: "fixed"; width: number; type: BufferType; multiply?: bigint }
  | { kind: "bool" }
  | { kind: "string"; type: "utf8" | "binary" }
  | { kind: "enum"; width: number; values: readonly string[] }
  | { kind: "decimal"; width: number; precision: number; scale: number }
  | { kind: "huge"; unsigned: boolean };

function kindOf(type: DuckDBType, column: string): Kind {
  const fixed = (width: number, t: BufferType, multiply?: bigint): Kind => ({ kind: "fixed", width, type: t, multiply });
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: return { kind: "bool" };
    case DuckDBTypeId.TINYINT: return fixed(1, "int8");
    case DuckDBTypeId.SMALLINT: return fixed(2, "int16");
    case DuckDBTypeId.INTEGER: return fixed(4, "int32");
    case DuckDBTypeId.BIGINT: return fixed(8, "int64");
    case DuckDBTypeId.UTINYINT: return fixed(1, "uint8");
    case DuckDBTypeId.USMALLINT: return fixed(2, "uint16");
    case DuckDBTypeId.UINTEGER: return fixed(4, "uint32");
    case DuckDBTypeId.UBIGINT: return fixed(8, "uint64");
    case DuckDBTypeId.FLOAT: return fixed(4, "float32");
    case DuckDBTypeId.DOUBLE: return fixed(8, "float64");
    case DuckDBTypeId.DATE: return fixed(4, "date32");
    case DuckDBTypeId.TIME: return fixed(8, "time_us");
    case DuckDBTypeId.TIMESTAMP: return fixed(8, "timestamp_us");
    case DuckDBTypeId.TIMESTAMP_TZ: return fixed(8, "timestamp_us_tz");
    case DuckDBTypeId.TIMESTAMP_NS: return fixed(8, "timestamp_ns");
    case DuckDBTypeId.TIMESTAMP_MS: return fixed(8, "timestamp_us", 1000n);
    case DuckDBTypeId.TIMESTAMP_S: return fixed(8, "timestamp_us", 1_000_000n);
    case DuckDBTypeId.VARCHAR: return { kind: "string", type: "utf8" };
    case DuckDBTypeId.BLOB: return { kind: "string", type: "binary" };
    case DuckDBTypeId.HUGEINT: return { kind: "huge", unsigned: false };
    case DuckDBTypeId.UHUGEINT: return { kind: "huge", unsigned: true };
    case DuckDBTypeId.ENUM: {
      const values = (type as unknown as { values: readonly string[] }).values;
      return { kind: "enum", width: values.length <= 0xff ? 1 : values.length <= 0xffff ? 2 : 4, values };
    }
    case DuckDBTypeId.DECIMAL: {
      const { width: precision, scale } = type as unknown as { width: number; scale: number };
      return { kind: "decimal", width: precision <= 4 ? 2 : precision <= 9 ? 4 : precision <= 18 ? 8 : 16, precision, scale };
    }
    default:
      throw new UnsupportedTypeError(`column "${column}" has type ${type.toString()}, which lakeloop cannot hand to Arrow; ` +
        `cast it in SQL (e.g. CAST("${column}" AS VARCHAR))`);
  }
}

const encoder = new TextEncoder();

/** Accumulates one column of a result, chunk by chunk. */
class ColumnReader {
  readonly values: ByteBuilder;
  readonly validity: ByteBuilder;
  readonly offsets: number[] = [0];
  rows = 0;
  nullCount = 0;

  constructor(readonly name: string, readonly kind: Kind, readonly shared: boolean) {
    this.values = new ByteBuilder(1024, shared);
    this.validity = new ByteBuilder(64, shared);
  }

  append(vector: bindings.Vector, rows: number): void {
    const start = this.rows;
    const mask = bindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
    const allValid = mask === null || mask === undefined || mask.byteLength === 0;
    this.validity.reserve(Math.ceil((start + rows) / 8) - this.validity.length);
    this.validity.length = Math.ceil((start + rows) / 8);
    if (allValid) setBits(this.validity.bytes, start, rows);
    else {
      copyBits(this.validity.bytes, start, mask!, 0, rows);
      for (let i = 0; i < rows; i++) if ((mask![i >> 3]! & (1 << (i & 7))) === 0) this.nullCount++;
    }
    const valid = (i: number) => allValid || (mask![i >> 3]! & (1 << (i & 7))) !== 0;
    const kind = this.kind;
    switch (kind.kind) {
      case "fixed": {
        const data = bindings.vector_get_data(vector, rows * kind.width);
        if (kind.multiply) {
          const view = new BigInt64Array(data.buffer, data.byteOffset, rows).map((v) => v * kind.multiply!);
          this.values.append(new Uint8Array(view.buffer));
        } else this.values.append(data);
        break;
      }
      case "bool": {
        const data = bindings.vector_get_data(vector, rows);
        this.values.reserve(Math.ceil((start + rows) / 8) - this.values.length);
        this.values.length = Math.ceil((start + rows) / 8);
        for (let i = 0; i < rows; i++) if (data[i]) this.values.bytes[(start + i) >> 3]! |= 1 << ((start + i) & 7);
        break;
      }
      case "enum": {
        const data = bindings.vector_get_data(vector, rows * kind.width);
        const codes = kind.width === 1 ? data : kind.width === 2 ? new Uint16Array(data.buffer, data.byteOffset, rows) : new Uint32Array(data.buffer, data.byteOffset, rows);
        const keys = Int32Array.from(codes as ArrayLike<number>, (c, i) => (valid(i) ? c : 0));
        this.values.append(new Uint8Array(keys.buffer));
        break;
      }
      case "decimal": {
        const data = bindings.vector_get_data(vector, rows * kind.width);
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const out = new Uint8Array(rows * 16);
        const outView = new DataView(out.buffer);
        for (let i = 0; i < rows; i++) {
          if (kind.width === 16) { out.set(data.subarray(i * 16, i * 16 + 16), i * 16); continue; }
          const low = kind.width === 2 ? BigInt(view.getInt16(i * 2, true)) : kind.width === 4 ? BigInt(view.getInt32(i * 4, true)) : view.getBigInt64(i * 8, true);
          outView.setBigInt64(i * 16, low, true);
          outView.setBigInt64(i * 16 + 8, low < 0n ? -1n : 0n, true);
        }
        this.values.append(out);
        break;
      }
      case "huge": {
        const data = bindings.vector_get_data(vector, rows * 16);
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const out = new BigInt64Array(rows);
        for (let i = 0; i < rows; i++) {
          const lower = view.getBigUint64(i * 16, true);
          const upper = view.getBigInt64(i * 16 + 8, true);
          const fits = kind.unsigned ? upper === 0n : upper === (lower >= 1n << 63n ? -1n : 0n);
          if (!fits && valid(i)) {
            throw new UnsupportedTypeError(`column "${this.name}" has a value beyond 64 bits (a 128-bit integer, e.g. a sum of longs); ` +
              `cast it in SQL to DECIMAL(38, 0) or DOUBLE`);
          }
          out[i] = BigInt.asIntN(64, lower);
        }
        this.values.append(new Uint8Array(out.buffer));
        break;
      }
      case "string": {
        const data = bindings.vector_get_data(vector, rows * 16);
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        for (let i = 0; i < rows; i++) {
          if (valid(i)) {
            const at = i * 16;
            const length = view.getUint32(at, true);
            if (length <= 12) this.values.append(data.subarray(at + 4, at + 4 + length));
            else this.values.append(bindings.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + at + 8, length));
          }
          this.offsets.push(this.values.length);
        }
        break;
      }
    }
    this.rows += rows;
  }

  finish(): ColumnBuffers {
    const k = this.kind;
    const type: BufferType = k.kind === "fixed" ? k.type : k.kind === "bool" ? "bool" : k.kind === "string" ? k.type
      : k.kind === "enum" ? "dictionary" : k.kind === "decimal" ? "decimal128" : k.unsigned ? "uint64" : "int64";
    const out: ColumnBuffers = {
      name: this.name, type, nullCount: this.nullCount,
      values: this.values.bytes.subarray(0, this.values.length),
      ...(this.nullCount > 0 ? { validity: this.validity.bytes.subarray(0, this.validity.length) } : {}),
      ...(k.kind === "decimal" ? { precision: k.precision, scale: k.scale } : {}),
    };
    if (k.kind === "string") {
      const offsets = new Int32Array(allocate(this.offsets.length * 4, this.shared).buffer, 0, this.offsets.length);
      offsets.set(this.offsets);
      out.offsets = new Uint8Array(offsets.buffer, 0, offsets.byteLength);
    }
    if (k.kind === "enum") {
      const bytes = new ByteBuilder(64, this.shared);
      const offsets = new Int32Array(allocate((k.values.length + 1) * 4, this.shared).buffer, 0, k.values.length + 1);
      k.values.forEach((v, i) => { bytes.append(encoder.encode(v)); offsets[i + 1] = bytes.length; });
      out.dictionaryOffsets = new Uint8Array(offsets.buffer, 0, offsets.byteLength);
      out.dictionaryBytes = bytes.bytes.subarray(0, bytes.length);
    }
    return out;
  }
}

/** Reads a materialized result into an Arrow table. */
export function arrowFromResult(result: DuckDBMaterializedResult, options: ArrowFromDuckDBOptions = {}): Table {
  const names = result.deduplicatedColumnNames();
  const readers = names.map((name, i) => new ColumnReader(name, kindOf(result.columnType(i), name), options.shared ?? false));
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const rows = chunk.rowCount;
    readers.forEach((r, i) => r.append(bindings.data_chunk_get_vector(chunk.chunk, i), rows));
  }
  const rows = readers[0]?.rows ?? 0;
  const table = tableFromBuffers(rows, readers.map((r) => r.finish()));
  const batchRows = options.batchRows;
  if (!batchRows || rows <= batchRows) return table;
  const batch = table.batches[0]!;
  const batches: RecordBatch[] = [];
  for (let at = 0; at < rows; at += batchRows) batches.push(batch.slice(at, Math.min(rows, at + batchRows)));
  return new Table(table.schema, batches);
}

/** Runs `sql` and returns its result as an Arrow table. */
export async function arrowFromDuckDB(duck: Duck, sql: string, options: ArrowFromDuckDBOptions = {}): Promise<Table> {
  let result: DuckDBMaterializedResult;
  const t0 = performance.now();
  try {
    result = await duck.connection.run(sql);
  } catch (err) {
    throw new DuckDBError(sql, (err as Error).message, { cause: err });
  }
  const t1 = performance.now();
  const table = arrowFromResult(result, options);
  if (options.timing) {
    options.timing.sql = t1 - t0;
    options.timing.out = performance.now() - t1;
  }
  return table;
}
