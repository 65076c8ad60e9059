// One type per column across a scan's fragments: string fragments are dictionary-encoded
// when their row group's pages were, plain otherwise (a writer's dictionary overflowed,
// or DuckDB decoded the chunk). A column that mixes the two is made plain throughout.
import { DataType, makeData, Utf8, type Data } from "apache-arrow";
import { allocate, ByteBuilder, copyBits } from "../columnar/buffers.js";

/** `columns[c][g]`: column c's data in row group g. */
export function unifyStringColumns(columns: Data[][]): Data[][] {
  return columns.map((chunks) => {
    const dictionaries = chunks.filter((d) => DataType.isDictionary(d.type)).length;
    if (dictionaries === 0 || dictionaries === chunks.length) return chunks;
    return chunks.map((d) => (DataType.isDictionary(d.type) ? plainStrings(d) : d));
  });
}

/** A dictionary-encoded string column as plain Utf8, in shared memory. */
export function plainStrings(data: Data): Data {
  const dictionary = data.dictionary!.data[0] as Data;
  const offsets = dictionary.valueOffsets;
  const bytes = dictionary.values as Uint8Array;
  const keys = data.values as Int32Array;
  const out = new ByteBuilder(Math.max(64, data.length * 8), true);
  const outOffsets = new Int32Array(allocate((data.length + 1) * 4, true).buffer, 0, data.length + 1);
  for (let i = 0; i < data.length; i++) {
    const valid = data.nullCount === 0 || !data.nullBitmap || (data.nullBitmap[(data.offset + i) >> 3]! & (1 << ((data.offset + i) & 7))) !== 0;
    if (valid) out.append(bytes.subarray(offsets[keys[i]!]!, offsets[keys[i]! + 1]!));
    outOffsets[i + 1] = out.length;
  }
  let nullBitmap: Uint8Array | undefined;
  if (data.nullCount > 0 && data.nullBitmap) {
    nullBitmap = allocate(Math.ceil(data.length / 8), true);
    copyBits(nullBitmap, 0, data.nullBitmap, data.offset, data.length);
  }
  return makeData({ type: new Utf8(), length: data.length, nullCount: data.nullCount, nullBitmap, valueOffsets: outOffsets, data: out.bytes.subarray(0, out.length) }) as Data;
}
