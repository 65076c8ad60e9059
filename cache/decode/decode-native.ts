// The native decoder's JavaScript side: which chunks it takes, the shared-memory buffers
// it writes into (sized from the chunk's metadata and its dictionary page's header), and
// the Arrow data made of them. Chunks it does not take — other encodings or codecs,
// decimals, strings whose pages left the dictionary — go to the JavaScript decoder.
import { Binary, Bool, DateDay, Dictionary, Float32, Float64, Int32, Int64, makeData, makeVector, TimestampMicrosecond, Utf8, type Data, type DataType } from "apache-arrow";
import { allocate } from "../../columnar/buffers.js";
import type { NativeBridge } from "../../columnar/native/load-native.js";
import type { ChunkFormat } from "../../lake/scan/scan-plan.js";
import { PageType, readPageHeader } from "./page-header.js";

const PHYSICAL: Record<string, number> = { BOOLEAN: 0, INT32: 1, INT64: 2, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6 };
const CODEC: Record<string, number> = { UNCOMPRESSED: 0, SNAPPY: 1, ZSTD: 6 };
const enum Target { Fixed = 0, Bool = 1, Strings = 2, Bytes = 3 }

interface Plan {
  target: Target;
  width: number;
  arrow: DataType;
  multiply?: number;
  divide?: number;
}

function planOf(type: string, f: ChunkFormat): Plan | undefined {
  const p = f.physical;
  const fixed = (width: number, arrow: DataType, extra: Partial<Plan> = {}): Plan => ({ target: Target.Fixed, width, arrow, ...extra });
  switch (type) {
    case "boolean": return p === "BOOLEAN" ? { target: Target.Bool, width: 0, arrow: new Bool() } : undefined;
    case "int": return p === "INT32" ? fixed(4, new Int32()) : undefined;
    case "date": return p === "INT32" ? fixed(4, new DateDay()) : undefined;
    case "long": return p === "INT64" ? fixed(8, new Int64()) : undefined;
    case "float": return p === "FLOAT" ? fixed(4, new Float32()) : undefined;
    case "double": return p === "DOUBLE" ? fixed(8, new Float64()) : undefined;
    case "timestamp":
    case "timestamptz": {
      if (p !== "INT64") return undefined;
      const arrow = new TimestampMicrosecond(type === "timestamptz" ? "UTC" : undefined);
      if (f.timeUnit === "MILLIS") return fixed(8, arrow, { multiply: 1000 });
      if (f.timeUnit === "NANOS") return fixed(8, arrow, { divide: 1000 });
      return fixed(8, arrow);
    }
    case "string": return p === "BYTE_ARRAY" ? { target: Target.Strings, width: 0, arrow: new Utf8() } : undefined;
    case "binary": return p === "BYTE_ARRAY" ? { target: Target.Bytes, width: 0, arrow: new Binary() } : undefined;
    default: return undefined;
  }
}

/** Whether the native decoder takes this chunk (its type, physical type and codec). */
export function decodesNatively(format: ChunkFormat, fieldType: string): boolean {
  return format.codec in CODEC && format.physical in PHYSICAL && planOf(fieldType, format) !== undefined;
}

const int32View = (bytes: Uint8Array, count: number) => new Int32Array(bytes.buffer, bytes.byteOffset, count);

/**
 * The chunk as Arrow data in shared memory, or undefined when the native decoder does
 * not take it. `uncompressed` bounds its plain bytes (the chunk's uncompressed size).
 */
export async function decodeNatively(bridge: NativeBridge, chunk: Uint8Array, format: ChunkFormat, fieldType: string, rows: number, uncompressed: number): Promise<Data | undefined> {
  const plan = planOf(fieldType, format);
  if (!plan || !(format.codec in CODEC) || !(format.physical in PHYSICAL)) return undefined;
  const validity = allocate(Math.ceil(rows / 8), true);
  const out: Record<string, Uint8Array> = { validity };
  if (plan.target === Target.Fixed) out.values = allocate(rows * plan.width, true);
  else if (plan.target === Target.Bool) out.values = allocate(Math.ceil(rows / 8), true);
  else {
    out.offsets = allocate((rows + 1) * 4, true);
    // Strings keep dictionary keys; plain pages (rare) go to the JavaScript decoder.
    out.values = allocate(plan.target === Target.Bytes ? uncompressed : 0, true);
    if (plan.target === Target.Strings) out.keys = allocate(rows * 4, true);
    const first = readPageHeader(chunk, 0);
    if (first.type === PageType.DICTIONARY_PAGE) {
      out.dictOffsets = allocate((first.numValues + 1) * 4, true);
      out.dictBytes = allocate(Math.max(0, first.uncompressedSize - 4 * first.numValues), true);
    }
  }
  const spec = { physical: PHYSICAL[format.physical], codec: CODEC[format.codec], optional: format.optional, rows, target: plan.target, width: plan.width, multiply: plan.multiply, divide: plan.divide };
  const r = await bridge.decodeChunk(chunk, spec, out);
  if ("unsupported" in r) return undefined;
  const nullCount = r.nullCount;
  const nullBitmap = nullCount > 0 ? validity : undefined;
  switch (plan.target) {
    case Target.Fixed: {
      const ArrayType = (plan.arrow as unknown as { ArrayType: { new (b: ArrayBufferLike, o: number, l: number): ArrayBufferView; BYTES_PER_ELEMENT: number } }).ArrayType;
      return makeData({ type: plan.arrow as Int32, length: rows, nullCount, nullBitmap, data: new ArrayType(out.values!.buffer, 0, (rows * plan.width) / ArrayType.BYTES_PER_ELEMENT) as Int32Array }) as Data;
    }
    case Target.Bool:
      return makeData({ type: new Bool(), length: rows, nullCount, nullBitmap, data: out.values! }) as Data;
    case Target.Strings:
      if (r.dictionary) {
        const entries = r.dictCount;
        const dictOffsets = out.dictOffsets ? int32View(out.dictOffsets, entries + 1) : new Int32Array(allocate(4, true).buffer, 0, 1);
        const dictBytes = out.dictBytes ? out.dictBytes.subarray(0, r.dictBytesLength) : allocate(0, true).subarray(0, 0);
        const dictionary = makeVector(makeData({ type: new Utf8(), length: entries, nullCount: 0, valueOffsets: dictOffsets, data: dictBytes }));
        return makeData({ type: new Dictionary(new Utf8(), new Int32()), length: rows, nullCount, nullBitmap, data: int32View(out.keys!, rows), dictionary }) as Data;
      }
      return makeData({ type: new Utf8(), length: rows, nullCount, nullBitmap, valueOffsets: int32View(out.offsets!, rows + 1), data: out.values!.subarray(0, r.valuesLength) }) as Data;
    case Target.Bytes:
      return makeData({ type: new Binary() as unknown as Utf8, length: rows, nullCount, nullBitmap, valueOffsets: int32View(out.offsets!, rows + 1), data: out.values!.subarray(0, r.valuesLength) }) as Data;
  }
}
