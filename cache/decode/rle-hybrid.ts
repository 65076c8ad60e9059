// Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary indices,
// booleans in v2 pages): runs of one repeated value and groups of 8 bit-packed values.

/**
 * Decodes `count` values of bit width `width` from bytes[pos, end) into out[at, at +
 * count); returns where the encoded data it used ends. Values past the end of the
 * data (a writer may stop early for trailing zeros) stay as they were.
 */
export function decodeHybrid(bytes: Uint8Array, pos: number, end: number, width: number, count: number, out: Int32Array | Uint8Array, at: number): number {
  let n = 0;
  const byteWidth = (width + 7) >> 3;
  while (n < count && pos < end) {
    let header = 0;
    let scale = 1;
    let b: number;
    do {
      b = bytes[pos++]!;
      header += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    if (header % 2 === 1) {
      const groups = (header - 1) / 2;
      const take = Math.min(groups * 8, count - n);
      unpack(bytes, pos, width, take, out, at + n);
      pos += groups * width;
      n += take;
    } else {
      const run = header / 2;
      let value = 0;
      for (let i = 0; i < byteWidth; i++) value += bytes[pos++]! * 2 ** (8 * i);
      const take = Math.min(run, count - n);
      out.fill(value, at + n, at + n + take);
      n += take;
    }
  }
  return pos;
}

/** `count` bit-packed values of `width` bits, least significant bit first. */
function unpack(bytes: Uint8Array, pos: number, width: number, count: number, out: Int32Array | Uint8Array, at: number): void {
  if (width === 0) {
    out.fill(0, at, at + count);
    return;
  }
  if (width <= 24) {
    const mask = (1 << width) - 1;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < count; i++) {
      while (bits < width) {
        acc |= bytes[pos++]! << bits;
        bits += 8;
      }
      out[at + i] = acc & mask;
      acc >>>= width;
      bits -= width;
    }
    return;
  }
  // Wide values (rare: dictionaries of over 16 million entries): plain arithmetic.
  let bit = pos * 8;
  for (let i = 0; i < count; i++) {
    let v = 0;
    for (let k = 0; k < width; k++, bit++) if (bytes[bit >> 3]! & (1 << (bit & 7))) v += 2 ** k;
    out[at + i] = v;
  }
}
