// Growable byte buffers and validity bitmaps for building Arrow columns, optionally in
// SharedArrayBuffer memory so a worker thread can read them without a copy.

export function allocate(bytes: number, shared: boolean): Uint8Array {
  // Arrow wants 8-byte aligned buffers; round the allocation up to a multiple of 64.
  const size = Math.max(64, Math.ceil(bytes / 64) * 64);
  return new Uint8Array(shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
}

/** A byte buffer that doubles when full. */
export class ByteBuilder {
  bytes: Uint8Array;
  length = 0;

  constructor(capacity: number, readonly shared: boolean) {
    this.bytes = allocate(capacity, shared);
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const next = allocate(Math.max(this.bytes.length * 2, this.length + extra), this.shared);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  append(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }
}

/** Copies `count` bits from `src` (starting at bit `srcBit`) to `dst` at bit `dstBit`, LSB first. */
export function copyBits(dst: Uint8Array, dstBit: number, src: Uint8Array, srcBit: number, count: number): void {
  if (dstBit % 8 === 0 && srcBit % 8 === 0) {
    const whole = count >> 3;
    dst.set(src.subarray(srcBit >> 3, (srcBit >> 3) + whole), dstBit >> 3);
    for (let i = whole * 8; i < count; i++) setBit(dst, dstBit + i, getBit(src, srcBit + i));
    return;
  }
  for (let i = 0; i < count; i++) setBit(dst, dstBit + i, getBit(src, srcBit + i));
}

export function getBit(bits: Uint8Array, index: number): boolean {
  return (bits[index >> 3]! & (1 << (index & 7))) !== 0;
}

export function setBit(bits: Uint8Array, index: number, value: boolean): void {
  if (value) bits[index >> 3]! |= 1 << (index & 7);
  else bits[index >> 3]! &= ~(1 << (index & 7));
}

export function setBits(bits: Uint8Array, from: number, count: number): void {
  for (let i = from; i < from + count; i++) bits[i >> 3]! |= 1 << (i & 7);
}

const POPCOUNT = new Uint8Array(256).map((_, i) => {
  let n = 0;
  for (let v = i; v; v >>= 1) n += v & 1;
  return n;
});

/** Count of set bits among the first `count` bits. */
export function countSetBits(bits: Uint8Array, count: number): number {
  let n = 0;
  const whole = count >> 3;
  for (let i = 0; i < whole; i++) n += POPCOUNT[bits[i]!]!;
  for (let i = whole * 8; i < count; i++) if (getBit(bits, i)) n++;
  return n;
}
