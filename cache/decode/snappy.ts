// Raw Snappy decompression (the block format Parquet pages use; Spark's default codec):
// a varint of the uncompressed length, then literals and back-references.
export function snappyDecompress(src: Uint8Array, out: Uint8Array): number {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const b = src[pos++]!;
    length |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  if (length > out.length) throw new Error(`snappy data says ${length} bytes, the page ${out.length}`);
  let at = 0;
  while (pos < src.length) {
    const tag = src[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >>> 2;
      if (n >= 60) {
        const bytes = n - 59;
        n = 0;
        for (let i = 0; i < bytes; i++) n |= src[pos++]! << (8 * i);
      }
      n += 1;
      out.set(src.subarray(pos, pos + n), at);
      pos += n;
      at += n;
      continue;
    }
    let n: number;
    let offset: number;
    if (kind === 1) {
      n = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | src[pos++]!;
    } else if (kind === 2) {
      n = (tag >>> 2) + 1;
      offset = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      n = (tag >>> 2) + 1;
      offset = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16) | (src[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    if (offset === 0 || offset > at) throw new Error("corrupt snappy data (a copy before the start)");
    // Copies may overlap their own output (runs): byte by byte when they do.
    if (offset >= n) out.copyWithin(at, at - offset, at - offset + n);
    else for (let i = 0; i < n; i++) out[at + i] = out[at - offset + i]!;
    at += n;
  }
  if (at !== length) throw new Error(`corrupt snappy data (${at} of ${length} bytes)`);
  return at;
}
