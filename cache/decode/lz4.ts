// Parquet's deprecated LZ4 codec (not LZ4_RAW, which DuckDB's reader takes): writers
// framed it two ways — Hadoop's (blocks each behind a big-endian uncompressed and
// compressed length) or one bare LZ4 block — and DuckDB's reader refuses both, so they
// are decompressed here: the Hadoop framing when its lengths account for the page
// exactly, else a bare block.

/** Decompresses one LZ4 block into `out` at `at`; returns the end position in `out`. */
function decodeBlock(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  let i = start;
  let o = at;
  while (i < end) {
    const token = src[i++]!;
    let literals = token >> 4;
    if (literals === 15) {
      let b;
      do { b = src[i++]!; literals += b; } while (b === 255 && i < end);
    }
    if (o + literals > out.length || i + literals > end) throw new Error("LZ4 literals run past the page");
    out.set(src.subarray(i, i + literals), o);
    i += literals;
    o += literals;
    if (i >= end) break;
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    if (offset === 0 || offset > o) throw new Error("LZ4 match points before the page");
    let length = token & 15;
    if (length === 15) {
      let b;
      do { b = src[i++]!; length += b; } while (b === 255 && i < end);
    }
    length += 4;
    if (o + length > out.length) throw new Error("LZ4 match runs past the page");
    for (let k = 0; k < length; k++, o++) out[o] = out[o - offset]!;
  }
  return o;
}

/** Hadoop-framed blocks, when the frames' lengths add up to the page and to `out` exactly. */
function decodeHadoop(src: Uint8Array, out: Uint8Array): boolean {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let i = 0;
  let o = 0;
  while (i + 8 <= src.length) {
    const raw = view.getUint32(i, false);
    const compressed = view.getUint32(i + 4, false);
    if (compressed > src.length - i - 8 || o + raw > out.length) return false;
    if (decodeBlock(src, i + 8, i + 8 + compressed, out, o) !== o + raw) return false;
    i += 8 + compressed;
    o += raw;
  }
  return i === src.length && o === out.length;
}

export function lz4Decompress(src: Uint8Array, out: Uint8Array): void {
  try {
    if (decodeHadoop(src, out)) return;
  } catch {
    // not Hadoop-framed: a bare block
  }
  const end = decodeBlock(src, 0, src.length, out, 0);
  if (end !== out.length) throw new Error(`LZ4 page gave ${end} bytes, its header says ${out.length}`);
}
