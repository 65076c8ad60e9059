// A fragment as the table's type asks for it. Fragments are decoded as the data file
// holds them (the type it was written with, DuckDB's spelling when DuckDB decoded it);
// a scan assembles them as the table's current type: int -> long, float -> double,
// decimal(P, S) -> decimal(P', S) and timestamp time zones are relabelled or widened
// here, dates become timestamps, bytes of fixed length become FixedSizeBinary. Also the
// null column of a field a data file does not have (added since it was written).
import {
  DataType, Decimal, FixedSizeBinary, Int64, makeData, makeVector, Type, Utf8, util, type Data,
} from "apache-arrow";
import { arrowTypeOf } from "../columnar/arrow-type.js";
import { allocate } from "../columnar/buffers.js";
import type { IcebergType } from "../lake/schema.js";
import { uuidFromBytes } from "../lake/uuid-text.js";

export class ConformError extends Error {
  override name = "ConformError";
  readonly code = "TYPE_MISMATCH";
}

const sameType = (a: DataType, b: DataType) => util.compareTypes(a, b);

/** A copy of a fixed-width column's values, transformed value by value (validity kept). */
function mapValues<T extends Data>(data: Data, type: DataType, length: number, map: (src: ArrayLike<number | bigint>, out: BigInt64Array | Float64Array) => void, out: BigInt64Array | Float64Array): T {
  map(data.values as ArrayLike<number | bigint>, out);
  return makeData({ type: type as never, length, nullCount: data.nullCount, nullBitmap: data.nullBitmap, offset: 0, data: out as never }) as unknown as T;
}

/**
 * `data` as the table's `type`; the same memory when only the label differs. Throws
 * ConformError naming the column when the two cannot be reconciled.
 */
export function conformData(data: Data, type: IcebergType, column: string): Data {
  const want = arrowTypeOf(type);
  const have = data.type as DataType;
  if (sameType(have, want)) return data;
  // Strings stay dictionary-encoded when the fragment is (the table's Utf8 allows both).
  if (DataType.isDictionary(have) && DataType.isUtf8(want)) return data;
  const n = data.length;
  const shared = (size: number) => allocate(size, true).buffer;
  if (data.offset !== 0 && !DataType.isDecimal(want)) throw new ConformError(`column "${column}": cannot convert a sliced fragment`);
  switch (want.typeId) {
    case Type.Utf8:
      if (type === "uuid" && DataType.isFixedSizeBinary(have) && (have as FixedSizeBinary).byteWidth === 16) return uuidText(data);
      break;
    case Type.Int:
      if (DataType.isInt(have) && (have as unknown as { bitWidth: number }).bitWidth <= 32) {
        return mapValues(data, new Int64(), n, (src, out) => { for (let i = 0; i < n; i++) out[i] = BigInt(src[i] as number); }, new BigInt64Array(shared(n * 8), 0, n));
      }
      break;
    case Type.Float:
      if (DataType.isFloat(have)) return mapValues(data, want, n, (src, out) => { for (let i = 0; i < n; i++) out[i] = Number(src[i]); }, new Float64Array(shared(n * 8), 0, n));
      break;
    case Type.Decimal:
      if (DataType.isDecimal(have) && (have as Decimal).scale === (want as Decimal).scale) {
        return makeData({ type: want as Decimal, length: n, nullCount: data.nullCount, nullBitmap: data.nullBitmap, offset: data.offset, data: data.values as Uint32Array }) as Data;
      }
      break;
    case Type.Timestamp: {
      const wantUnit = (want as unknown as { unit: number }).unit;
      if (DataType.isDate(have)) {
        const perDay = wantUnit === 3 ? 86_400_000_000_000n : 86_400_000_000n;
        return mapValues(data, want, n, (src, out) => { for (let i = 0; i < n; i++) out[i] = BigInt(src[i] as number) * perDay; }, new BigInt64Array(shared(n * 8), 0, n));
      }
      if (DataType.isTimestamp(have)) {
        const haveUnit = (have as unknown as { unit: number }).unit;
        if (haveUnit === wantUnit) return makeData({ type: want as never, length: n, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: data.values as never } as never) as Data;
        const scale = 1000n ** BigInt(Math.abs(wantUnit - haveUnit));
        const up = wantUnit > haveUnit;
        return mapValues(data, want, n, (src, out) => {
          for (let i = 0; i < n; i++) {
            const v = src[i] as bigint;
            out[i] = up ? v * scale : v / scale - (v % scale < 0n ? 1n : 0n);
          }
        }, new BigInt64Array(shared(n * 8), 0, n));
      }
      break;
    }
    case Type.FixedSizeBinary: {
      const width = (want as FixedSizeBinary).byteWidth;
      if (DataType.isBinary(have)) {
        const offsets = data.valueOffsets as Int32Array;
        const bytes = data.values as Uint8Array;
        const out = allocate(n * width, true).subarray(0, n * width);
        for (let i = 0; i < n; i++) {
          const start = offsets[i]!;
          const length = offsets[i + 1]! - start;
          if (length === 0 && data.nullCount > 0) continue; // a null
          if (length !== width) throw new ConformError(`column "${column}" is fixed[${width}] but holds a value of ${length} bytes`);
          out.set(bytes.subarray(start, start + width), i * width);
        }
        return makeData({ type: want as FixedSizeBinary, length: n, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: out }) as Data;
      }
      break;
    }
  }
  throw new ConformError(`column "${column}" is ${String(want)} in the table but a data file holds ${String(have)}; lakeloop reads Iceberg's promotions (int to long, float to double, wider decimals, date to timestamp)`);
}

/** A column of `length` nulls of the table's type (a field the data file does not have). */
export function nullData(type: DataType, length: number): Data {
  const nullBitmap = allocate(Math.ceil(length / 8), true).subarray(0, Math.ceil(length / 8));
  const base = { type: type as never, length, nullCount: length, nullBitmap };
  if (DataType.isDictionary(type)) {
    const dictionary = makeVector(makeData({ type: new Utf8(), length: 0, nullCount: 0, valueOffsets: new Int32Array(shared4(1), 0, 1), data: new Uint8Array(0) }));
    return makeData({ ...base, data: new Int32Array(shared4(length), 0, length), dictionary } as never) as Data;
  }
  if (DataType.isStruct(type)) return makeData({ ...base, children: type.children.map((f) => nullData(f.type, length)) }) as Data;
  if (DataType.isList(type) || DataType.isMap(type)) {
    const child = (type.children[0]!).type as DataType;
    return makeData({ ...base, valueOffsets: new Int32Array(shared4(length + 1)), child: nullData(child, 0) } as never) as Data;
  }
  if (DataType.isUtf8(type) || DataType.isBinary(type)) return makeData({ ...base, valueOffsets: new Int32Array(shared4(length + 1)), data: new Uint8Array(0) } as never) as Data;
  if (DataType.isBool(type)) return makeData({ ...base, data: allocate(Math.ceil(length / 8), true) } as never) as Data;
  const bytes = DataType.isFixedSizeBinary(type) ? (type as FixedSizeBinary).byteWidth
    : DataType.isDecimal(type) ? 16 : Math.max(1, ((type as unknown as { bitWidth?: number }).bitWidth ?? 32) / 8);
  const ArrayType = (type as unknown as { ArrayType: new (b: ArrayBufferLike) => ArrayBufferView }).ArrayType;
  return makeData({ ...base, data: new ArrayType(allocate(length * bytes, true).buffer) } as never) as Data;
}

const shared4 = (count: number) => allocate(count * 4, true).buffer;

/** 16-byte uuids as their 36-character text (nulls stay null). */
function uuidText(data: Data): Data {
  const n = data.length;
  const bytes = data.values as Uint8Array;
  const text = allocate(n * 36, true).subarray(0, n * 36);
  const offsets = new Int32Array(shared4(n + 1), 0, n + 1);
  const encoder = new TextEncoder();
  for (let i = 0; i < n; i++) {
    encoder.encodeInto(uuidFromBytes(bytes, i * 16), text.subarray(i * 36, i * 36 + 36));
    offsets[i + 1] = (i + 1) * 36;
  }
  return makeData({ type: new Utf8(), length: n, nullCount: data.nullCount, nullBitmap: data.nullBitmap, valueOffsets: offsets, data: text }) as Data;
}
