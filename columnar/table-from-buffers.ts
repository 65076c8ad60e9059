// An Arrow table from finished column buffers (one record batch): what both ways out of
// DuckDB produce, the native bridge and the appender-free JavaScript reader. Buffers are
// used as they are (no copy), so a caller that wants shared memory allocates them there.
import {
  Binary, Bool, DateDay, Decimal, Dictionary, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, makeVector,
  RecordBatch, Schema, Struct, Table, TimeMicrosecond, TimestampMicrosecond, TimestampNanosecond, Uint16, Uint32, Uint64,
  Uint8, Utf8, type Data, type DataType,
} from "apache-arrow";

export type BufferType =
  | "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64" | "float32" | "float64" | "bool"
  | "date32" | "time_us" | "timestamp_us" | "timestamp_us_tz" | "timestamp_ns" | "utf8" | "binary" | "dictionary" | "decimal128";

export interface ColumnBuffers {
  name: string;
  type: BufferType;
  precision?: number;
  scale?: number;
  nullCount: number;
  /** Fixed-width values, bool bits, string bytes or int32 dictionary keys. */
  values: Uint8Array;
  validity?: Uint8Array;
  /** int32 offsets (utf8, binary). */
  offsets?: Uint8Array;
  /** The dictionary's int32 offsets and bytes (dictionary). */
  dictionaryOffsets?: Uint8Array;
  dictionaryBytes?: Uint8Array;
}

export function arrowTypeOfBuffers(c: Pick<ColumnBuffers, "type" | "precision" | "scale">): DataType {
  switch (c.type) {
    case "int8": return new Int8();
    case "int16": return new Int16();
    case "int32": return new Int32();
    case "int64": return new Int64();
    case "uint8": return new Uint8();
    case "uint16": return new Uint16();
    case "uint32": return new Uint32();
    case "uint64": return new Uint64();
    case "float32": return new Float32();
    case "float64": return new Float64();
    case "bool": return new Bool();
    case "date32": return new DateDay();
    case "time_us": return new TimeMicrosecond();
    case "timestamp_us": return new TimestampMicrosecond();
    case "timestamp_us_tz": return new TimestampMicrosecond("UTC");
    case "timestamp_ns": return new TimestampNanosecond();
    case "utf8": return new Utf8();
    case "binary": return new Binary();
    case "dictionary": return new Dictionary(new Utf8(), new Int32());
    case "decimal128": return new Decimal(c.scale ?? 0, c.precision ?? 38, 128);
  }
}

const int32s = (bytes: Uint8Array, count: number) => new Int32Array(bytes.buffer, bytes.byteOffset, count);

/** A typed-array view of `bytes` as the Arrow type's value array, for `length` values. */
function valuesView(type: DataType, bytes: Uint8Array, length: number, width: number): ArrayBufferView {
  const ArrayType = (type as unknown as { ArrayType: { new (b: ArrayBufferLike, o: number, n: number): ArrayBufferView; BYTES_PER_ELEMENT: number } }).ArrayType;
  return new ArrayType(bytes.buffer, bytes.byteOffset, (length * width) / ArrayType.BYTES_PER_ELEMENT);
}

const WIDTH: Partial<Record<BufferType, number>> = {
  int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, float32: 4, float64: 8,
  date32: 4, time_us: 8, timestamp_us: 8, timestamp_us_tz: 8, timestamp_ns: 8, decimal128: 16,
};

export function dataFromBuffers(c: ColumnBuffers, length: number): Data {
  const type = arrowTypeOfBuffers(c);
  const nullCount = c.nullCount;
  const nullBitmap = nullCount > 0 ? c.validity : undefined;
  switch (c.type) {
    case "bool":
      return makeData({ type: type as Bool, length, nullCount, nullBitmap, data: c.values }) as Data;
    case "utf8":
    case "binary":
      return makeData({ type: type as Utf8, length, nullCount, nullBitmap, valueOffsets: int32s(c.offsets!, length + 1), data: c.values }) as Data;
    case "dictionary": {
      const entries = c.dictionaryOffsets!.byteLength / 4 - 1;
      const dictionary = makeVector(makeData({ type: new Utf8(), length: entries, nullCount: 0, valueOffsets: int32s(c.dictionaryOffsets!, entries + 1), data: c.dictionaryBytes! }));
      return makeData({ type: type as Dictionary<Utf8, Int32>, length, nullCount, nullBitmap, data: int32s(c.values, length), dictionary }) as Data;
    }
    default:
      return makeData({ type: type as Int32, length, nullCount, nullBitmap, data: valuesView(type, c.values, length, WIDTH[c.type]!) as Int32Array }) as Data;
  }
}

/** One record batch of `rows` rows (an empty batch when there are none: every table has one). */
export function tableFromBuffers(rows: number, columns: ColumnBuffers[]): Table {
  const children = columns.map((c) => dataFromBuffers(c, rows));
  const schema = new Schema(columns.map((c, i) => new Field(c.name, children[i]!.type, true)));
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }))]);
}
