// Checksums of an Arrow table's memory, to tell whether code that was lent the table
// (a TypeScript model reading its inputs in place) wrote to it. Each buffer's checksum
// before lending is computed once and kept (resident tables are immutable, so the same
// buffer lent again reuses it); after, every buffer is summed again and compared. The
// native bridge sums at memory speed; without it a JavaScript loop does the same.
import type { Data, Table } from "apache-arrow";
import { nativeStatus } from "./native/load-native.js";

/** Every distinct buffer of a table, with the column (and batch) it belongs to. */
export function buffersOf(table: Table): { view: ArrayBufferView; column: string; batch: number }[] {
  const seen = new Set<ArrayBufferView>();
  const out: { view: ArrayBufferView; column: string; batch: number }[] = [];
  const visit = (data: Data, column: string, batch: number) => {
    for (const b of [data.valueOffsets, data.values, data.nullBitmap, data.typeIds] as (ArrayBufferView | undefined)[]) {
      if (b && b.byteLength > 0 && !seen.has(b)) {
        seen.add(b);
        out.push({ view: b, column, batch });
      }
    }
    for (const child of data.children) visit(child as Data, column, batch);
    for (const d of data.dictionary?.data ?? []) visit(d as Data, column, batch);
  };
  table.batches.forEach((b, i) => b.data.children.forEach((child, c) => visit(child as Data, table.schema.fields[c]!.name, i)));
  return out;
}

function checksumJs(view: ArrayBufferView): bigint {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const words = view.byteOffset % 4 === 0 ? new Int32Array(view.buffer, view.byteOffset, view.byteLength >> 2) : null;
  let a = 0x12345678 | 0, b = 0x9abcdef0 | 0;
  const n = words ? words.length : 0;
  for (let i = 0; i < n; i++) {
    a = Math.imul(a ^ words![i]!, 0x9e3779b1);
    b = Math.imul(b + (a >>> 15), 0x85ebca77) ^ i;
  }
  for (let i = n * 4; i < bytes.length; i++) a = Math.imul(a ^ bytes[i]!, 0x9e3779b1);
  return (BigInt(a >>> 0) << 32n) | BigInt((b ^ view.byteLength) >>> 0);
}

export function checksum(view: ArrayBufferView): bigint {
  const bridge = nativeStatus().bridge;
  return bridge ? bridge.checksum(view) : checksumJs(view);
}

const before = new WeakMap<ArrayBufferView, bigint>();

/** The checksum of a buffer as it was when first lent (computed once, then kept). */
export function checksumBefore(view: ArrayBufferView): bigint {
  let sum = before.get(view);
  if (sum === undefined) before.set(view, (sum = checksum(view)));
  return sum;
}

export interface Lent {
  buffers: { view: ArrayBufferView; column: string; batch: number; sum: bigint }[];
}

/** Records the tables' buffers before they are lent. */
export function lend(tables: Table[]): Lent {
  return { buffers: tables.flatMap((t) => buffersOf(t)).map((b) => ({ ...b, sum: checksumBefore(b.view) })) };
}

/** The first buffer that changed while lent, if any. */
export function firstChanged(lent: Lent): { view: ArrayBufferView; column: string; batch: number } | undefined {
  return lent.buffers.find((b) => checksum(b.view) !== b.sum);
}
