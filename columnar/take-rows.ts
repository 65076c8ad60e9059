// Gathering selected rows of Arrow columns into new compact columns: typed-array
// gathers for fixed-width values, offset + byte gathers for strings and binary, bit
// gathers for booleans and validity; dictionary columns keep their dictionary; structs
// gather their fields, lists and maps the runs of child values of the rows taken.
import { DataType, makeData, RecordBatch, Struct, type Data } from "apache-arrow";
import { allocate, setBit } from "./buffers.js";

function validAt(data: Data, i: number): boolean {
  const bits = data.nullBitmap;
  if (data.nullCount === 0 || !bits || bits.length === 0) return true;
  const at = data.offset + i;
  return (bits[at >> 3]! & (1 << (at & 7))) !== 0;
}

type Indexed = { [i: number]: unknown };
type Gather = (src: Indexed, out: Indexed, indices: Int32Array, n: number) => void;

// One gather loop per typed-array kind, on purpose: a loop shared by every kind sees
// floats, ints and bigints at one load and one store and runs several times slower
// (the scan's row filter gathers each kept column through these).
const GATHERS: Record<string, Gather> = {
  Float64Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  Float32Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  BigInt64Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  BigUint64Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  Int32Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  Uint32Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  Int16Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  Uint16Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  Int8Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
  Uint8Array: (s, o, x, n) => { for (let j = 0; j < n; j++) o[j] = s[x[j]!]; },
};

/** The rows `indices` (ascending) of one column. */
export function takeData(data: Data, indices: Int32Array, shared = false): Data {
  const n = indices.length;
  const type = data.type as DataType;
  let nullCount = 0;
  let nullBitmap: Uint8Array | undefined;
  if (data.nullCount > 0) {
    nullBitmap = allocate(Math.ceil(n / 8), shared).subarray(0, Math.ceil(n / 8));
    for (let j = 0; j < n; j++) {
      if (validAt(data, indices[j]!)) setBit(nullBitmap, j, true);
      else nullCount++;
    }
    if (nullCount === 0) nullBitmap = undefined;
  }
  if (DataType.isUtf8(type) || DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    let total = 0;
    for (let j = 0; j < n; j++) total += offsets[indices[j]! + 1]! - offsets[indices[j]!]!;
    const outOffsets = new Int32Array(allocate((n + 1) * 4, shared).buffer, 0, n + 1);
    const outBytes = allocate(total, shared).subarray(0, total);
    let at = 0;
    for (let j = 0; j < n; j++) {
      const start = offsets[indices[j]!]!;
      const end = offsets[indices[j]! + 1]!;
      outBytes.set(bytes.subarray(start, end), at);
      at += end - start;
      outOffsets[j + 1] = at;
    }
    return makeData({ type: type as never, length: n, nullCount, nullBitmap, valueOffsets: outOffsets, data: outBytes }) as Data;
  }
  if (DataType.isStruct(type)) {
    const children = data.children.map((child) => takeData(child, indices, shared));
    return makeData({ type: type as never, length: n, nullCount, nullBitmap, children } as never) as Data;
  }
  if (DataType.isList(type) || DataType.isMap(type)) {
    // Each row's run of child values, gathered into a compact child.
    const offsets = data.valueOffsets as Int32Array;
    let total = 0;
    for (let j = 0; j < n; j++) total += offsets[indices[j]! + 1]! - offsets[indices[j]!]!;
    const childIndices = new Int32Array(total);
    const outOffsets = new Int32Array(allocate((n + 1) * 4, shared).buffer, 0, n + 1);
    let at = 0;
    for (let j = 0; j < n; j++) {
      for (let k = offsets[indices[j]!]!; k < offsets[indices[j]! + 1]!; k++) childIndices[at++] = k;
      outOffsets[j + 1] = at;
    }
    const child = takeData(data.children[0]!, childIndices, shared);
    return makeData({ type: type as never, length: n, nullCount, nullBitmap, valueOffsets: outOffsets, child } as never) as Data;
  }
  if (DataType.isBool(type)) {
    const bits = data.values as Uint8Array;
    const out = allocate(Math.ceil(n / 8), shared).subarray(0, Math.ceil(n / 8));
    for (let j = 0; j < n; j++) {
      const at = data.offset + indices[j]!;
      if (bits[at >> 3]! & (1 << (at & 7))) setBit(out, j, true);
    }
    return makeData({ type: type as never, length: n, nullCount, nullBitmap, data: out }) as Data;
  }
  const values = data.values as ArrayLike<number> & { constructor: new (b: ArrayBufferLike, o: number, l: number) => ArrayLike<number> & { [i: number]: number }; BYTES_PER_ELEMENT: number };
  // Fixed width: one typed-array gather (stride > 1 for types stored as several words).
  const stride = data.stride ?? 1;
  const ArrayType = values.constructor;
  const bytesPer = (values as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const out = new ArrayType(allocate(n * stride * bytesPer, shared).buffer, 0, n * stride) as unknown as { [i: number]: number };
  const src = values as unknown as { [i: number]: number };
  const gather = stride === 1 ? GATHERS[ArrayType.name] : undefined;
  if (gather) gather(src, out, indices, n);
  else for (let j = 0; j < n; j++) for (let k = 0; k < stride; k++) out[j * stride + k] = src[indices[j]! * stride + k]!;
  return makeData({
    type: type as never, length: n, nullCount, nullBitmap, data: out as never,
    ...(DataType.isDictionary(type) ? { dictionary: data.dictionary } : {}),
  }) as Data;
}

/** The selected rows of a record batch; the batch itself when every row is selected. */
export function takeRows(batch: RecordBatch, mask: Uint8Array, shared = false): RecordBatch | undefined {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i]!;
  if (count === batch.numRows) return batch;
  if (count === 0) return undefined;
  const indices = new Int32Array(count);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) indices[j++] = i;
  const children = batch.data.children.map((child) => takeData(child, indices, shared));
  return new RecordBatch(batch.schema, makeData({ type: new Struct(batch.schema.fields), length: count, nullCount: 0, children }));
}
