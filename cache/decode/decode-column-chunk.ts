// Decoding one Parquet column chunk (one column of one row group, dictionary page
// included) straight into Arrow in shared memory, for the encodings Parquet writers
// use most: PLAIN and dictionary-encoded values, RLE definition levels, v1 and v2 data
// pages, the codecs of decompress.ts. Dictionary-encoded strings stay dictionary-encoded:
// the chunk's dictionary becomes the Arrow dictionary and its indices the keys, with no
// string touched. Anything else throws UnsupportedChunk, and the caller lets DuckDB's
// reader decode the chunk instead.
import {
  Binary, Bool, DateDay, Decimal, Dictionary, FixedSizeBinary, Float32, Float64, Int32, Int64, makeData, makeVector, TimeMicrosecond, TimestampMicrosecond, TimestampNanosecond, Utf8,
  type Data, type DataType,
} from "apache-arrow";
import { allocate, ByteBuilder } from "../../columnar/buffers.js";
import type { ChunkFormat } from "../../lake/scan/scan-plan.js";
import { decompress, SUPPORTED_CODECS } from "./decompress.js";
import { Encoding, PageType, readPageHeader } from "./page-header.js";
import { decodeHybrid } from "./rle-hybrid.js";

export class UnsupportedChunk extends Error {
  override name = "UnsupportedChunk";
}

type Target =
  | { kind: "fixed"; width: number; arrow: DataType; multiply?: bigint; divide?: bigint }
  | { kind: "bool" }
  | { kind: "bytes"; binary: boolean }
  | { kind: "decimal"; precision: number; scale: number };

/** What the Iceberg column becomes in Arrow, given how the chunk stores it. */
function targetOf(type: string, f: ChunkFormat): Target {
  const p = f.physical;
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) {
    if (!["INT32", "INT64", "FIXED_LEN_BYTE_ARRAY", "BYTE_ARRAY"].includes(p)) throw new UnsupportedChunk(`decimal stored as ${p}`);
    return { kind: "decimal", precision: Number(decimal[1]), scale: Number(decimal[2]) };
  }
  switch (type) {
    case "boolean": if (p === "BOOLEAN") return { kind: "bool" }; break;
    case "int": if (p === "INT32") return { kind: "fixed", width: 4, arrow: new Int32() }; break;
    case "date": if (p === "INT32") return { kind: "fixed", width: 4, arrow: new DateDay() }; break;
    case "long": if (p === "INT64") return { kind: "fixed", width: 8, arrow: new Int64() }; break;
    case "float": if (p === "FLOAT") return { kind: "fixed", width: 4, arrow: new Float32() }; break;
    case "double": if (p === "DOUBLE") return { kind: "fixed", width: 8, arrow: new Float64() }; break;
    case "timestamp":
    case "timestamptz":
      if (p === "INT64") {
        const arrow = new TimestampMicrosecond(type === "timestamptz" ? "UTC" : undefined);
        if (f.timeUnit === "MILLIS") return { kind: "fixed", width: 8, arrow, multiply: 1000n };
        if (f.timeUnit === "NANOS") return { kind: "fixed", width: 8, arrow, divide: 1000n };
        return { kind: "fixed", width: 8, arrow };
      }
      break;
    case "timestamp_ns":
    case "timestamptz_ns":
      if (p === "INT64") {
        const arrow = new TimestampNanosecond(type === "timestamptz_ns" ? "UTC" : undefined);
        if (f.timeUnit === "MICROS") return { kind: "fixed", width: 8, arrow, multiply: 1000n };
        if (f.timeUnit === "MILLIS") return { kind: "fixed", width: 8, arrow, multiply: 1_000_000n };
        return { kind: "fixed", width: 8, arrow };
      }
      break;
    case "time":
      if (p === "INT64" && f.timeUnit !== "NANOS" && f.timeUnit !== "MILLIS") return { kind: "fixed", width: 8, arrow: new TimeMicrosecond() };
      break;
    case "string": if (p === "BYTE_ARRAY") return { kind: "bytes", binary: false }; break;
    // uuid: its 16 bytes (conform-column.ts makes them text when the scan assembles).
    case "uuid": if (p === "FIXED_LEN_BYTE_ARRAY" && f.typeLength === 16) return { kind: "fixed", width: 16, arrow: new FixedSizeBinary(16) }; break;
    case "binary": if (p === "BYTE_ARRAY") return { kind: "bytes", binary: true }; break;
  }
  const length = /^fixed\[(\d+)\]$/.exec(type)?.[1];
  if (length !== undefined && p === "FIXED_LEN_BYTE_ARRAY" && f.typeLength === Number(length)) return { kind: "fixed", width: Number(length), arrow: new FixedSizeBinary(Number(length)) };
  throw new UnsupportedChunk(`${type} stored as ${p}`);
}

/** A dictionary page's values: fixed-width bytes (aligned copy) or byte strings. */
interface DictionaryValues {
  count: number;
  fixed?: Uint8Array;
  offsets?: Int32Array;
  bytes?: Uint8Array;
}

/** Reads `count` PLAIN byte arrays (4-byte length, then bytes) starting at `pos`. */
function plainByteArrays(page: Uint8Array, pos: number, count: number, shared: boolean): { offsets: Int32Array; bytes: Uint8Array; end: number } {
  const offsets = new Int32Array(allocate((count + 1) * 4, shared).buffer, 0, count + 1);
  let total = 0;
  let p = pos;
  for (let i = 0; i < count; i++) {
    const n = page[p]! | (page[p + 1]! << 8) | (page[p + 2]! << 16) | (page[p + 3]! << 24);
    p += 4 + n;
    total += n;
    offsets[i + 1] = total;
  }
  const bytes = allocate(total, shared).subarray(0, total);
  p = pos;
  for (let i = 0; i < count; i++) {
    const n = offsets[i + 1]! - offsets[i]!;
    bytes.set(page.subarray(p + 4, p + 4 + n), offsets[i]!);
    p += 4 + n;
  }
  return { offsets, bytes, end: p };
}

function physicalWidth(f: ChunkFormat): number {
  switch (f.physical) {
    case "INT32": case "FLOAT": return 4;
    case "INT64": case "DOUBLE": return 8;
    case "FIXED_LEN_BYTE_ARRAY": return f.typeLength ?? 0;
    default: return 0;
  }
}

/** Scratch space for decompressed pages, reused (the decoder runs on one thread). */
let scratch = new Uint8Array(1 << 20);
function scratchOf(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  return scratch.subarray(0, size);
}

/** out[row] = dict[idx[i]] for the page's rows with a value (4/8/16-byte values as int32 words). */
function gatherFixed(out: Uint8Array, at: number, dict: Uint8Array, idx: Int32Array, defs: Uint8Array, count: number, dense: boolean, width: number): void {
  const words = width / 4;
  if (!Number.isInteger(words)) {
    for (let r = 0, i = 0; r < count; r++) if (dense || defs[at + r]) out.set(dict.subarray(idx[i]! * width, idx[i++]! * width + width), (at + r) * width);
    return;
  }
  const o = new Int32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
  const d = new Int32Array(dict.buffer, dict.byteOffset, dict.byteLength >> 2);
  for (let r = 0, i = 0; r < count; r++) {
    if (!dense && !defs[at + r]) continue;
    const to = (at + r) * words;
    const from = idx[i++]! * words;
    for (let w = 0; w < words; w++) o[to + w] = d[from + w]!;
  }
}

/** PLAIN values of a page with nulls: each value to its row. */
function scatterFixed(out: Uint8Array, at: number, values: Uint8Array, p: number, defs: Uint8Array, count: number, width: number): void {
  for (let r = 0, i = 0; r < count; r++) {
    if (!defs[at + r]) continue;
    const from = p + i++ * width;
    for (let k = 0; k < width; k++) out[(at + r) * width + k] = values[from + k]!;
  }
}

/** Writes one big-endian two's complement integer of `n` bytes as 16 little-endian bytes. */
function beToDecimal128(src: Uint8Array, pos: number, n: number, out: Uint8Array, at: number): void {
  const negative = n > 0 && (src[pos]! & 0x80) !== 0;
  for (let k = 0; k < 16; k++) out[at + k] = k < n ? src[pos + n - 1 - k]! : negative ? 0xff : 0;
}

function leToDecimal128(src: Uint8Array, pos: number, n: number, out: Uint8Array, at: number): void {
  const negative = (src[pos + n - 1]! & 0x80) !== 0;
  for (let k = 0; k < 16; k++) out[at + k] = k < n ? src[pos + k]! : negative ? 0xff : 0;
}

export function decodeColumnChunk(chunk: Uint8Array, format: ChunkFormat, fieldType: string, rows: number): Data {
  if (!SUPPORTED_CODECS.has(format.codec)) throw new UnsupportedChunk(`codec ${format.codec}`);
  const target = targetOf(fieldType, format);
  const width = physicalWidth(format);

  // Outputs, in shared memory for zero-copy hand-off to model threads.
  const validity = allocate(Math.ceil(rows / 8), true);
  let nullCount = 0;
  const fixedOut = target.kind === "fixed" ? allocate(rows * target.width, true) : target.kind === "decimal" ? allocate(rows * 16, true) : undefined;
  const boolOut = target.kind === "bool" ? allocate(Math.ceil(rows / 8), true) : undefined;
  // Strings: dictionary keys while every page is dictionary-encoded, else plain bytes
  // (binary columns are always plain: SQL takes dictionaries of strings only).
  let keys: Int32Array | undefined = target.kind === "bytes" && !target.binary ? new Int32Array(allocate(rows * 4, true).buffer, 0, rows) : undefined;
  let plain: { bytes: ByteBuilder; offsets: Int32Array } | undefined = target.kind === "bytes" && target.binary
    ? { bytes: new ByteBuilder(Math.max(1024, rows * 8), true), offsets: new Int32Array(allocate((rows + 1) * 4, true).buffer, 0, rows + 1) }
    : undefined;

  let dictionary: DictionaryValues | undefined;
  let n = 0; // rows decoded so far
  let pos = 0;
  const defs = new Uint8Array(rows);
  let indices = new Int32Array(0);

  const toPlain = () => {
    // A page fell back from the dictionary: the chunk becomes plain strings.
    const bytes = new ByteBuilder(Math.max(1024, rows * 8), true);
    const offsets = new Int32Array(allocate((rows + 1) * 4, true).buffer, 0, rows + 1);
    for (let r = 0; r < n; r++) {
      if (defs[r] && dictionary?.offsets) bytes.append(dictionary.bytes!.subarray(dictionary.offsets[keys![r]!]!, dictionary.offsets[keys![r]! + 1]!));
      offsets[r + 1] = bytes.length;
    }
    plain = { bytes, offsets };
    keys = undefined;
  };

  while (n < rows) {
    if (pos >= chunk.length) throw new Error(`the chunk ends after ${n} of ${rows} values`);
    const header = readPageHeader(chunk, pos);
    const body = chunk.subarray(header.bodyStart, header.bodyStart + header.compressedSize);
    pos = header.bodyStart + header.compressedSize;
    if (header.type === PageType.INDEX_PAGE) continue;

    if (header.type === PageType.DICTIONARY_PAGE) {
      if (header.encoding !== Encoding.PLAIN && header.encoding !== Encoding.PLAIN_DICTIONARY) throw new UnsupportedChunk(`dictionary encoding ${header.encoding}`);
      const page = decompress(format.codec, body, scratchOf(header.uncompressedSize));
      if (format.physical === "BYTE_ARRAY") {
        const { offsets, bytes } = plainByteArrays(page, 0, header.numValues, target.kind === "bytes");
        dictionary = { count: header.numValues, offsets, bytes };
      } else if (width > 0) {
        dictionary = { count: header.numValues, fixed: page.slice(0, header.numValues * width) };
      } else throw new UnsupportedChunk(`dictionary of ${format.physical}`);
      continue;
    }
    if (header.type !== PageType.DATA_PAGE && header.type !== PageType.DATA_PAGE_V2) throw new UnsupportedChunk(`page type ${header.type}`);

    const count = header.numValues;
    if (n + count > rows) throw new Error(`the chunk holds more than its ${rows} rows`);
    let values: Uint8Array;
    let p = 0;
    // Definition levels: 1 = a value, 0 = null (flat columns have no repetition levels).
    if (header.v2) {
      const { definitionBytes, repetitionBytes, compressed } = header.v2;
      if (repetitionBytes > 0) throw new UnsupportedChunk("repetition levels");
      if (format.optional) decodeHybrid(body, 0, definitionBytes, 1, count, defs, n);
      else defs.fill(1, n, n + count);
      const rest = body.subarray(definitionBytes);
      values = compressed ? decompress(format.codec, rest, scratchOf(header.uncompressedSize - definitionBytes)) : rest;
    } else {
      const page = decompress(format.codec, body, scratchOf(header.uncompressedSize));
      if (format.optional) {
        const length = page[0]! | (page[1]! << 8) | (page[2]! << 16) | (page[3]! << 24);
        decodeHybrid(page, 4, 4 + length, 1, count, defs, n);
        p = 4 + length;
      } else defs.fill(1, n, n + count);
      values = page;
    }
    let present = 0;
    for (let r = n; r < n + count; r++) present += defs[r]!;
    nullCount += count - present;
    const dense = present === count;

    const dictionaryEncoded = header.encoding === Encoding.RLE_DICTIONARY || header.encoding === Encoding.PLAIN_DICTIONARY;
    if (dictionaryEncoded) {
      if (!dictionary) throw new Error("a dictionary-encoded page comes before any dictionary page");
      const bitWidth = values[p]!;
      if (indices.length < present) indices = new Int32Array(Math.max(present, rows));
      decodeHybrid(values, p + 1, values.length, bitWidth, present, indices, 0);
      const limit = dictionary.count;
      for (let i = 0; i < present; i++) if (indices[i]! >= limit) throw new Error(`dictionary index ${indices[i]} beyond its ${limit} entries`);
    } else if (header.encoding !== Encoding.PLAIN && !(header.encoding === Encoding.RLE && target.kind === "bool")) {
      throw new UnsupportedChunk(`encoding ${header.encoding}`);
    }

    switch (target.kind) {
      case "fixed":
        if (dictionaryEncoded) gatherFixed(fixedOut!, n, dictionary!.fixed!, indices, defs, count, dense, width);
        else if (dense) fixedOut!.set(values.subarray(p, p + present * width), n * width);
        else scatterFixed(fixedOut!, n, values, p, defs, count, width);
        break;
      case "decimal": {
        const fromLittleEndian = format.physical === "INT32" || format.physical === "INT64";
        let q = p;
        let i = 0;
        for (let r = 0; r < count; r++) {
          if (!defs[n + r]) continue;
          const at = (n + r) * 16;
          if (format.physical === "BYTE_ARRAY") {
            if (dictionaryEncoded) {
              const k = indices[i++]!;
              beToDecimal128(dictionary!.bytes!, dictionary!.offsets![k]!, dictionary!.offsets![k + 1]! - dictionary!.offsets![k]!, fixedOut!, at);
            } else {
              const len = values[q]! | (values[q + 1]! << 8) | (values[q + 2]! << 16) | (values[q + 3]! << 24);
              beToDecimal128(values, q + 4, len, fixedOut!, at);
              q += 4 + len;
            }
          } else {
            const src = dictionaryEncoded ? dictionary!.fixed! : values;
            const from = dictionaryEncoded ? indices[i++]! * width : p + i++ * width;
            if (fromLittleEndian) leToDecimal128(src, from, width, fixedOut!, at);
            else beToDecimal128(src, from, width, fixedOut!, at);
          }
        }
        break;
      }
      case "bool": {
        const bits = new Uint8Array(present);
        if (header.encoding === Encoding.RLE) {
          const length = values[p]! | (values[p + 1]! << 8) | (values[p + 2]! << 16) | (values[p + 3]! << 24);
          decodeHybrid(values, p + 4, p + 4 + length, 1, present, bits, 0);
        } else for (let i = 0; i < present; i++) bits[i] = (values[p + (i >> 3)]! >> (i & 7)) & 1;
        let i = 0;
        for (let r = n; r < n + count; r++) {
          if (defs[r] && bits[i++]) boolOut![r >> 3]! |= 1 << (r & 7);
        }
        break;
      }
      case "bytes": {
        if (dictionaryEncoded && keys) {
          if (dense) keys.set(indices.subarray(0, present), n);
          else for (let r = n, i = 0; r < n + count; r++) keys[r] = defs[r] ? indices[i++]! : 0;
          break;
        }
        if (keys) toPlain();
        const { bytes, offsets } = plain!;
        if (dictionaryEncoded) {
          let i = 0;
          for (let r = n; r < n + count; r++) {
            if (defs[r]) {
              const k = indices[i++]!;
              bytes.append(dictionary!.bytes!.subarray(dictionary!.offsets![k]!, dictionary!.offsets![k + 1]!));
            }
            offsets[r + 1] = bytes.length;
          }
        } else {
          // The page's string bytes are at most its size: reserve once, copy byte by byte
          // (short strings) or by block (long ones), no view per value.
          bytes.reserve(values.length - p);
          const out = bytes.bytes;
          let at = bytes.length;
          let q = p;
          for (let r = n; r < n + count; r++) {
            if (defs[r]) {
              const len = values[q]! | (values[q + 1]! << 8) | (values[q + 2]! << 16) | (values[q + 3]! << 24);
              q += 4;
              const end = q + len;
              if (len > 48) {
                out.set(values.subarray(q, end), at);
                at += len;
                q = end;
              } else while (q < end) out[at++] = values[q++]!;
            }
            offsets[r + 1] = at;
          }
          bytes.length = at;
        }
        break;
      }
    }
    n += count;
  }

  // Validity: only when some value is null.
  let nullBitmap: Uint8Array | undefined;
  if (nullCount > 0) {
    for (let r = 0; r < rows; r++) if (defs[r]) validity[r >> 3]! |= 1 << (r & 7);
    nullBitmap = validity;
  }
  switch (target.kind) {
    case "fixed": {
      const view = target.width === 8 ? new BigInt64Array(fixedOut!.buffer, 0, rows) : new Int32Array(fixedOut!.buffer, 0, rows);
      if (target.multiply || target.divide) {
        const v = view as BigInt64Array;
        for (let i = 0; i < rows; i++) v[i] = target.multiply ? v[i]! * target.multiply : v[i]! / target.divide!;
      }
      const ArrayType = (target.arrow as unknown as { ArrayType: new (b: ArrayBufferLike, o: number, l: number) => ArrayBufferView }).ArrayType;
      const words = (rows * target.width) / ((ArrayType as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT);
      return makeData({ type: target.arrow as Int32, length: rows, nullCount, nullBitmap, data: new ArrayType(fixedOut!.buffer, 0, words) as Int32Array }) as Data;
    }
    case "decimal":
      return makeData({ type: new Decimal(target.scale, target.precision, 128), length: rows, nullCount, nullBitmap, data: new Uint32Array(fixedOut!.buffer, 0, rows * 4) }) as Data;
    case "bool":
      return makeData({ type: new Bool(), length: rows, nullCount, nullBitmap, data: boolOut! }) as Data;
    case "bytes": {
      if (keys) {
        const dict = dictionary ?? { count: 0, offsets: new Int32Array(allocate(4, true).buffer, 0, 1), bytes: allocate(0, true).subarray(0, 0) };
        const values = makeVector(makeData({ type: new Utf8(), length: dict.count, nullCount: 0, valueOffsets: dict.offsets!, data: dict.bytes! }));
        return makeData({ type: new Dictionary(new Utf8(), new Int32()), length: rows, nullCount, nullBitmap, data: keys, dictionary: values }) as Data;
      }
      const { bytes, offsets } = plain!;
      const type = (target.binary ? new Binary() : new Utf8()) as Utf8;
      return makeData({ type, length: rows, nullCount, nullBitmap, valueOffsets: offsets, data: bytes.bytes.subarray(0, bytes.length) }) as Data;
    }
  }
}
