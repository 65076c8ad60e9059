// Iceberg v3 deletion vectors: a `deletion-vector-v1` blob of a Puffin file, read from
// the byte range its manifest entry names (so the Puffin footer is not needed). The
// blob is [length: u32 big-endian][magic D1 D3 39 64][bitmap][CRC-32 of magic and
// bitmap: u32 big-endian]; the bitmap is a Roaring bitmap in the portable 64-bit
// format: a u64 count of 32-bit bitmaps, each a u32 key (the positions' high 32 bits)
// and a portable 32-bit Roaring bitmap (array, bitmap and run containers).
import { crc32 } from "node:zlib";

const MAGIC = [0xd1, 0xd3, 0x39, 0x64];
const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

export class DeletionVectorError extends Error {
  override name = "DeletionVectorError";
  readonly code = "BAD_DELETION_VECTOR";
}

/** Reads one portable 32-bit Roaring bitmap at `at`; adds `high` * 2^32 + value for each member. */
function readRoaring32(view: DataView, at: number, high: number, out: number[]): number {
  const cookie = view.getUint32(at, true);
  at += 4;
  let size: number;
  let runs: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    runs = new Uint8Array(view.buffer, view.byteOffset + at, (size + 7) >> 3);
    at += (size + 7) >> 3;
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = view.getUint32(at, true);
    at += 4;
  } else throw new DeletionVectorError(`not a portable Roaring bitmap (cookie ${cookie})`);
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(view.getUint16(at, true));
    cardinalities.push(view.getUint16(at + 2, true) + 1);
    at += 4;
  }
  if (!runs || size >= NO_OFFSET_THRESHOLD) at += 4 * size; // container offsets: containers follow in order anyway
  const base = high * 2 ** 32;
  for (let i = 0; i < size; i++) {
    const top = base + keys[i]! * 65536;
    const isRun = runs !== undefined && ((runs[i >> 3]! >> (i & 7)) & 1) === 1;
    if (isRun) {
      const count = view.getUint16(at, true);
      at += 2;
      for (let r = 0; r < count; r++) {
        const start = view.getUint16(at, true);
        const length = view.getUint16(at + 2, true);
        at += 4;
        for (let v = start; v <= start + length; v++) out.push(top + v);
      }
    } else if (cardinalities[i]! > 4096) {
      for (let word = 0; word < 1024; word++) {
        const lo = view.getUint32(at + word * 8, true);
        const hi = view.getUint32(at + word * 8 + 4, true);
        for (let b = 0; b < 32; b++) if ((lo >>> b) & 1) out.push(top + word * 64 + b);
        for (let b = 0; b < 32; b++) if ((hi >>> b) & 1) out.push(top + word * 64 + 32 + b);
      }
      at += 8192;
    } else {
      for (let k = 0; k < cardinalities[i]!; k++) out.push(top + view.getUint16(at + k * 2, true));
      at += cardinalities[i]! * 2;
    }
  }
  return at;
}

/** The deleted row positions of a deletion-vector-v1 blob, ascending. `where` names it in errors. */
export function readDeletionVector(blob: Uint8Array, where: string): Float64Array {
  const fail = (why: string) => new DeletionVectorError(`deletion vector ${where} is not readable: ${why}`);
  if (blob.length < 12) throw fail(`${blob.length} bytes is too short`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const length = view.getUint32(0, false);
  if (length + 8 !== blob.length) throw fail(`its length field says ${length} + 8 bytes, the range holds ${blob.length}`);
  if (MAGIC.some((b, i) => blob[4 + i] !== b)) throw fail("it does not start with the deletion-vector magic D1 D3 39 64");
  const expected = view.getUint32(4 + length, false);
  if ((crc32(blob.subarray(4, 4 + length)) >>> 0) !== expected) throw fail("its CRC-32 does not match (damaged)");
  const out: number[] = [];
  try {
    const count = Number(view.getBigUint64(8, true));
    let at = 16;
    for (let i = 0; i < count; i++) {
      const high = view.getUint32(at, true);
      at = readRoaring32(view, at + 4, high, out);
    }
    if (at !== 4 + length) throw fail(`its bitmap ends at byte ${at}, not ${4 + length}`);
  } catch (err) {
    if (err instanceof DeletionVectorError) throw err;
    throw fail(`its bitmap is truncated (${(err as Error).message})`);
  }
  return Float64Array.from(out);
}
