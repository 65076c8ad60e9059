// One text per value of an Arrow column, equal exactly when the values are: what an
// equality delete's rows and a data file's rows are matched by (after both are
// conformed to the table's type). Read from the buffers, never through JS values
// that lose digits: longs and timestamps as their integers, decimals as their 16
// bytes, strings as text, bytes as hex; null as a text no value has.
import { DataType, type Data } from "apache-arrow";

export const NULL_KEY = "\u0000null";

const utf8 = new TextDecoder();
const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");

function isValid(data: Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return true;
  const at = data.offset + i;
  return ((data.nullBitmap[at >> 3]! >> (at & 7)) & 1) === 1;
}

/** A function from row index to the key text of the value there. */
export function valueKeys(data: Data): (i: number) => string {
  const type = data.type as DataType;
  const off = data.offset;
  let read: (i: number) => string;
  if (DataType.isDictionary(type)) {
    const dictionary = data.dictionary!.data[0] as Data;
    const entry = valueKeys(dictionary);
    const keys = data.values as ArrayLike<number>;
    read = (i) => entry(Number(keys[off + i]));
  } else if (DataType.isUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    read = (i) => utf8.decode(bytes.subarray(offsets[off + i]!, offsets[off + i + 1]!));
  } else if (DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    read = (i) => hex(bytes.subarray(offsets[off + i]!, offsets[off + i + 1]!));
  } else if (DataType.isBool(type)) {
    const bits = data.values as Uint8Array;
    read = (i) => (((bits[(off + i) >> 3]! >> ((off + i) & 7)) & 1) ? "t" : "f");
  } else if (DataType.isFixedSizeBinary(type) || DataType.isDecimal(type)) {
    const width = DataType.isDecimal(type) ? 16 : (type as unknown as { byteWidth: number }).byteWidth;
    const values = data.values as ArrayBufferView;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    read = (i) => hex(bytes.subarray((off + i) * width, (off + i + 1) * width));
  } else {
    const values = data.values as ArrayLike<number | bigint>;
    read = (i) => String(values[off + i]);
  }
  return (i) => (isValid(data, i) ? read(i) : NULL_KEY);
}

/** Keys of rows over several columns (an equality delete's columns), joined unambiguously. */
export function rowKeys(columns: Data[]): (i: number) => string {
  const parts = columns.map(valueKeys);
  return parts.length === 1 ? parts[0]! : (i) => parts.map((p) => { const k = p(i); return `${k.length}:${k}`; }).join("");
}
