// Checksums of an Arrow table's memory, to tell whether code that was lent the table
// (a TypeScript model reading its inputs in place) wrote to it. Each buffer's checksum
// before lending is computed once and kept (resident tables are immutable, so the same
// buffer lent again reuses it); after, every buffer is summed again and compared. The
// native bridge sums at memory speed on the thread pool, the buffers split over the
// machine's cores; without it a JavaScript loop does the same.
import type { Data, Table } from "apache-arrow";
import { availableParallelism } from "node:os";
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

const LANES = Math.max(1, Math.min(4, availableParallelism()));

/** Checksums of many views: split by size over the cores (natively), else one by one. */
export async function checksums(views: ArrayBufferView[]): Promise<bigint[]> {
  const bridge = nativeStatus().bridge;
  if (!bridge) return views.map(checksumJs);
  if (views.length === 0) return [];
  // Largest first into the lightest lane: lanes of about equal bytes.
  const order = views.map((v, i) => i).sort((a, b) => views[b]!.byteLength - views[a]!.byteLength);
  const lanes = Array.from({ length: Math.min(LANES, views.length) }, () => ({ bytes: 0, indices: [] as number[] }));
  for (const i of order) {
    const lane = lanes.reduce((l, x) => (x.bytes < l.bytes ? x : l));
    lane.indices.push(i);
    lane.bytes += views[i]!.byteLength;
  }
  const out: bigint[] = new Array(views.length);
  await Promise.all(lanes.map(async (lane) => {
    const sums = await bridge.checksumAll(lane.indices.map((i) => views[i]!));
    lane.indices.forEach((i, k) => { out[i] = sums[k]!; });
  }));
  return out;
}

const before = new WeakMap<ArrayBufferView, bigint>();

export interface Lent {
  buffers: { view: ArrayBufferView; column: string; batch: number; sum: bigint }[];
}

/** Records the tables' buffers before they are lent (each buffer summed once, then kept). */
export async function lend(tables: Table[]): Promise<Lent> {
  const buffers = tables.flatMap((t) => buffersOf(t));
  const missing = buffers.filter((b) => !before.has(b.view));
  const sums = await checksums(missing.map((b) => b.view));
  missing.forEach((b, i) => before.set(b.view, sums[i]!));
  return { buffers: buffers.map((b) => ({ ...b, sum: before.get(b.view)! })) };
}

/** Every buffer that changed while lent (empty when none did). */
export async function changedSince(lent: Lent): Promise<Lent["buffers"]> {
  const now = await checksums(lent.buffers.map((b) => b.view));
  return lent.buffers.filter((b, i) => now[i] !== b.sum);
}
