// DuckDB results to Arrow, column by column with bulk copies: each DuckDB vector's
// fixed-width data is copied whole into the Arrow buffer, validity masks are copied as
// bits, and strings are read as bytes straight from DuckDB's string_t (inline when
// up to 12 bytes, else through its pointer) — never as JS values per row.
//
// Measured on this machine (bench/columnar-convert.ts): see bench/RESULTS.md.
import bindings from "@duckdb/node-bindings";
import { DuckDBTypeId, type DuckDBDataChunk, type DuckDBResult, type DuckDBType } from "@duckdb/node-api";
import {
  Binary, Bool, DateDay, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, RecordBatch, Schema, Struct,
  Table, TimestampMicrosecond, Uint16, Uint32, Uint64, Uint8, Utf8, type DataType,
} from "apache-arrow";
import { allocate, ByteBuilder, copyBits, countSetBits, setBits } from "./buffers.js";
import { DuckDBError, type Duck } from "./duckdb.js";

export class UnsupportedTypeError extends Error {
  override name = "UnsupportedTypeError";
  readonly code = "UNSUPPORTED_TYPE";
}

export interface ArrowFromDuckDBOptions {
  /** Allocate every buffer in SharedArrayBuffer memory (for zero-copy hand-off to threads). */
  shared?: boolean;
  /** Rows per Arrow record batch (default 131,072: 64 DuckDB vectors). */
  batchRows?: number;
}

type Kind =
  | { kind: "fixed"; width: number; arrow: DataType; scale?: bigint; divide?: bigint }
  | { kind: "bool" }
  | { kind: "string"; arrow: DataType }
  | { kind: "hugeint" }
  | { kind: "decimal"; width: number; scale: number };

function kindOf(type: DuckDBType, column: string): Kind {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: return { kind: "bool" };
    case DuckDBTypeId.TINYINT: return { kind: "fixed", width: 1, arrow: new Int8() };
    case DuckDBTypeId.SMALLINT: return { kind: "fixed", width: 2, arrow: new Int16() };
    case DuckDBTypeId.INTEGER: return { kind: "fixed", width: 4, arrow: new Int32() };
    case DuckDBTypeId.BIGINT: return { kind: "fixed", width: 8, arrow: new Int64() };
    case DuckDBTypeId.UTINYINT: return { kind: "fixed", width: 1, arrow: new Uint8() };
    case DuckDBTypeId.USMALLINT: return { kind: "fixed", width: 2, arrow: new Uint16() };
    case DuckDBTypeId.UINTEGER: return { kind: "fixed", width: 4, arrow: new Uint32() };
    case DuckDBTypeId.UBIGINT: return { kind: "fixed", width: 8, arrow: new Uint64() };
    case DuckDBTypeId.FLOAT: return { kind: "fixed", width: 4, arrow: new Float32() };
    case DuckDBTypeId.DOUBLE: return { kind: "fixed", width: 8, arrow: new Float64() };
    case DuckDBTypeId.DATE: return { kind: "fixed", width: 4, arrow: new DateDay() };
    case DuckDBTypeId.TIMESTAMP: return { kind: "fixed", width: 8, arrow: new TimestampMicrosecond() };
    case DuckDBTypeId.TIMESTAMP_TZ: return { kind: "fixed", width: 8, arrow: new TimestampMicrosecond("UTC") };
    case DuckDBTypeId.TIMESTAMP_MS: return { kind: "fixed", width: 8, arrow: new TimestampMicrosecond(), scale: 1000n };
    case DuckDBTypeId.TIMESTAMP_S: return { kind: "fixed", width: 8, arrow: new TimestampMicrosecond(), scale: 1_000_000n };
    case DuckDBTypeId.TIMESTAMP_NS: return { kind: "fixed", width: 8, arrow: new TimestampMicrosecond(), divide: 1000n };
    case DuckDBTypeId.VARCHAR: return { kind: "string", arrow: new Utf8() };
    case DuckDBTypeId.BLOB: return { kind: "string", arrow: new Binary() };
    case DuckDBTypeId.HUGEINT: return { kind: "hugeint" };
    case DuckDBTypeId.DECIMAL: {
      const { width, scale } = type as unknown as { width: number; scale: number };
      return { kind: "decimal", width, scale };
    }
    default:
      throw new UnsupportedTypeError(`column "${column}" has type ${type.toString()}, which lakeloop cannot turn into Arrow; ` +
        `cast it in SQL (e.g. CAST(${column} AS VARCHAR))`);
  }
}

/** Bytes of DuckDB's physical storage per value of a decimal of this width. */
function decimalStorage(width: number): number {
  return width <= 4 ? 2 : width <= 9 ? 4 : width <= 18 ? 8 : 16;
}

/** Builds one Arrow column of one record batch from a run of DuckDB vectors. */
class ColumnBuilder {
  readonly arrow: DataType;
  #values!: Uint8Array;
  #validity!: Uint8Array;
  #strings?: ByteBuilder;
  #offsets?: Int32Array;
  #rows = 0;
  #hasNulls = false;

  constructor(readonly name: string, readonly kind: Kind, readonly capacity: number, readonly shared: boolean) {
    this.arrow = kind.kind === "fixed" || kind.kind === "string" ? kind.arrow : kind.kind === "bool" ? new Bool() : new Float64();
    this.reset();
  }

  reset(): void {
    const { kind, capacity, shared } = this;
    this.#rows = 0;
    this.#hasNulls = false;
    this.#validity = allocate(Math.ceil(capacity / 8), shared);
    if (kind.kind === "string") {
      this.#strings = new ByteBuilder(capacity * 8, shared);
      this.#offsets = new Int32Array(allocate((capacity + 1) * 4, shared).buffer, 0, capacity + 1);
    } else {
      const width = kind.kind === "fixed" ? kind.width : kind.kind === "bool" ? 0 : 8;
      this.#values = allocate(kind.kind === "bool" ? Math.ceil(capacity / 8) : capacity * width, shared);
    }
  }

  append(vector: bindings.Vector, rows: number): void {
    const start = this.#rows;
    const validityBytes = bindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
    // No mask at all (null) means every value is valid.
    const allValid = validityBytes === null || validityBytes === undefined || validityBytes.byteLength === 0;
    if (allValid) setBits(this.#validity, start, rows);
    else {
      copyBits(this.#validity, start, validityBytes!, 0, rows);
      this.#hasNulls = true;
    }
    const valid = (i: number) => allValid || (validityBytes![i >> 3]! & (1 << (i & 7))) !== 0;
    const kind = this.kind;
    switch (kind.kind) {
      case "fixed": {
        const data = bindings.vector_get_data(vector, rows * kind.width);
        this.#values.set(data, start * kind.width);
        if (kind.scale || kind.divide) {
          const view = new BigInt64Array(this.#values.buffer, this.#values.byteOffset + start * 8, rows);
          for (let i = 0; i < rows; i++) view[i] = kind.scale ? view[i]! * kind.scale : view[i]! / kind.divide!;
        }
        break;
      }
      case "bool": {
        const data = bindings.vector_get_data(vector, rows);
        for (let i = 0; i < rows; i++) {
          const bit = start + i;
          if (data[i]) this.#values[bit >> 3]! |= 1 << (bit & 7);
        }
        break;
      }
      case "hugeint":
      case "decimal": {
        const width = kind.kind === "hugeint" ? 16 : decimalStorage(kind.width);
        const data = bindings.vector_get_data(vector, rows * width);
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const out = new Float64Array(this.#values.buffer, this.#values.byteOffset + start * 8, rows);
        const divisor = kind.kind === "decimal" ? 10 ** kind.scale : 1;
        for (let i = 0; i < rows; i++) {
          if (!valid(i)) continue;
          const at = i * width;
          const raw = width === 2 ? view.getInt16(at, true) : width === 4 ? view.getInt32(at, true) : width === 8 ? Number(view.getBigInt64(at, true))
            : Number((view.getBigInt64(at + 8, true) << 64n) | view.getBigUint64(at, true));
          out[i] = raw / divisor;
        }
        break;
      }
      case "string": {
        const data = bindings.vector_get_data(vector, rows * 16);
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        const strings = this.#strings!;
        const offsets = this.#offsets!;
        for (let i = 0; i < rows; i++) {
          if (valid(i)) {
            const at = i * 16;
            const length = view.getUint32(at, true);
            if (length <= 12) strings.append(data.subarray(at + 4, at + 4 + length));
            else strings.append(bindings.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + at + 8, length));
          }
          offsets[start + i + 1] = strings.length;
        }
        break;
      }
    }
    this.#rows += rows;
  }

  get rows(): number {
    return this.#rows;
  }

  finish(): ReturnType<typeof makeData> {
    const length = this.#rows;
    const nullCount = this.#hasNulls ? length - countSetBits(this.#validity, length) : 0;
    const nullBitmap = nullCount > 0 ? this.#validity.subarray(0, Math.ceil(length / 8)) : undefined;
    const type = this.arrow;
    let data;
    if (this.kind.kind === "string") {
      const valueOffsets = this.#offsets!.subarray(0, length + 1);
      data = makeData({ type: type as Utf8, length, nullCount, nullBitmap, valueOffsets, data: this.#strings!.bytes.subarray(0, this.#strings!.length) });
    } else if (this.kind.kind === "bool") {
      data = makeData({ type: type as Bool, length, nullCount, nullBitmap, data: this.#values.subarray(0, Math.ceil(length / 8)) });
    } else {
      const width = this.kind.kind === "fixed" ? this.kind.width : 8;
      data = makeData({ type: type as Int32, length, nullCount, nullBitmap, data: viewOf(type, this.#values, length, width) as Int32Array });
    }
    this.reset();
    return data;
  }
}

function viewOf(type: DataType, bytes: Uint8Array, length: number, width: number): ArrayBufferView {
  const ArrayType = (type as unknown as { ArrayType: new (b: ArrayBufferLike, o: number, n: number) => ArrayBufferView }).ArrayType;
  // Date and timestamp types count 32-bit words in Arrow JS; their ArrayType says so.
  const elements = (length * width) / ((ArrayType as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT);
  return new ArrayType(bytes.buffer, bytes.byteOffset, elements);
}

/** Streams a DuckDB result into an Arrow table. */
export async function arrowFromResult(result: DuckDBResult, options: ArrowFromDuckDBOptions = {}): Promise<Table> {
  const batchRows = Math.max(2048, options.batchRows ?? 131_072);
  const names = result.deduplicatedColumnNames();
  const builders = names.map((name, i) => new ColumnBuilder(name, kindOf(result.columnType(i), name), batchRows, options.shared ?? false));
  const schema = new Schema(builders.map((b) => new Field(b.name, b.arrow, true)));
  const batches: RecordBatch[] = [];
  const flush = () => {
    const rows = builders[0]?.rows ?? 0;
    if (rows === 0) return;
    const children = builders.map((b) => b.finish());
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children })));
  };
  for (;;) {
    const chunk: DuckDBDataChunk | null = await result.fetchChunk();
    if (!chunk) break;
    const rows = chunk.rowCount;
    if (rows === 0) break;
    if ((builders[0]?.rows ?? 0) + rows > batchRows) flush();
    builders.forEach((b, i) => b.append(bindings.data_chunk_get_vector(chunk.chunk, i), rows));
  }
  flush();
  return new Table(schema, batches);
}

/** Runs `sql` and returns its result as an Arrow table. */
export async function arrowFromDuckDB(duck: Duck, sql: string, options: ArrowFromDuckDBOptions = {}): Promise<Table> {
  let result: DuckDBResult;
  try {
    result = await duck.connection.stream(sql);
  } catch (err) {
    throw new DuckDBError(sql, (err as Error).message, { cause: err });
  }
  return arrowFromResult(result, options);
}
