// The worker's column cache for people: what each tier holds (fragments and bytes in
// memory and on disk), where scans found their fragments (hits by tier, fetched), the
// rows they read and kept, and where their time went.
import type { CacheStatus } from "../../protocol/messages.js";
import { formatBytes } from "../../lake/format-bytes.js";

const count = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => `${count(Math.round(n))} ms`;

export function formatCacheStatus(cache: CacheStatus): string {
  const t = cache.totals;
  const row = (label: string, fragments: number | string, bytes: number | string, note = "") =>
    `  ${label.padEnd(16)}${String(fragments).padStart(10)}${String(bytes).padStart(12)}${note ? `  ${note}` : ""}`;
  const size = (n: number) => formatBytes(Math.round(n));
  const disk = cache.disk;
  const diskRow = disk ? row("held on disk", count(disk.fragments), size(disk.bytes), disk.dir) : row("held on disk", "-", "-", "the cache's tiers are off");
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
