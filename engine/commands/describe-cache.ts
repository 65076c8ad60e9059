// The worker's column cache for people: what each tier holds (fragments and bytes in
// memory and on disk), where scans found their fragments (hits by tier, fetched), the
// rows they read and kept, and where their time went.
import type { ScanStats } from "../../cache/column-cache.js";
import { formatBytesShort } from "../../cache/diff.js";
import type { DiskCacheUsage } from "./disk-cache-usage.js";

/** What the worker's status says of its cache. */
export interface CacheStatus {
  memoryBytes: number;
  memoryFragments: number;
  memoryBound: number;
  totals: ScanStats;
}

const count = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => `${count(Math.round(n))} ms`;

/** `disk`: the disk tier's folder and what it holds; undefined when the worker is elsewhere. */
export function formatCacheStatus(cache: CacheStatus, disk: { dir: string; usage: DiskCacheUsage | undefined } | undefined): string {
  const t = cache.totals;
  const row = (label: string, fragments: number | string, bytes: number | string, note = "") =>
    `  ${label.padEnd(16)}${String(fragments).padStart(10)}${String(bytes).padStart(12)}${note ? `  ${note}` : ""}`;
  const size = (n: number) => formatBytesShort(Math.round(n));
  const diskRow = disk
    ? row("held on disk", count(disk.usage?.fragments ?? 0), size(disk.usage?.bytes ?? 0), disk.dir)
    : row("held on disk", "-", "-", "on the remote worker, not measured from here");
  return [
    "the worker's column cache",
    row("", "fragments", "bytes"),
    row("held in memory", count(cache.memoryFragments), size(cache.memoryBytes), `of ${size(cache.memoryBound)}`),
    diskRow,
    "since the worker started:",
    row("hits in memory", count(t.fragments.memory), size(t.bytes.memory)),
    row("hits on disk", count(t.fragments.disk), size(t.bytes.disk)),
    row("fetched", count(t.fragments.fetched), size(t.bytes.objectStore), `object store requests: ${count(t.requests)}`),
    `  rows scanned ${count(t.rowsScanned)}, kept by filters ${count(t.rowsReturned)}`,
    `  time ${ms(t.ms.total)}: reading ${ms(t.ms.read)}, decoding ${ms(t.ms.decode)}, filtering ${ms(t.ms.filter)}`,
    ...(t.corruptions ? [`  corrupt disk files discarded (and fetched again): ${count(t.corruptions)}`] : []),
  ].join("\n");
}
