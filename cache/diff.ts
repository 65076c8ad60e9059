// What a scan needs that the cache does not hold, answered before any byte moves:
// every fragment of the plan classified as in memory, on disk, or to fetch, with sizes,
// summarized by column and by partition for people ("3 of 4 columns cached;
// eventTime_month=2023-02 is new: 41 MB to fetch").
import { formatPartitionValue } from "../lake/iceberg/partition.js";
import type { ColumnChunkRef, FileScan, RowGroupScan, ScanPlan } from "../lake/scan/scan-plan.js";
import { fragmentKey, type FragmentKey } from "./fragment-key.js";

export interface FragmentRef {
  key: FragmentKey;
  file: FileScan;
  rowGroup: RowGroupScan;
  chunk: ColumnChunkRef;
}

export type Tier = "memory" | "disk" | "fetch";

export interface CacheDiff {
  table: string;
  snapshotId: number | null;
  fragments: Record<Tier, FragmentRef[]>;
  /** Memory: decoded bytes held; disk and fetch: the chunks' Parquet bytes. */
  bytes: Record<Tier, number>;
  columns: { column: string; fragments: number; fetch: number; fetchBytes: number }[];
  partitions: { partition: string; fragments: number; fetch: number; fetchBytes: number }[];
}

export function fragmentRefs(plan: ScanPlan): FragmentRef[] {
  const refs: FragmentRef[] = [];
  for (const file of plan.files) {
    for (const rowGroup of file.rowGroups) {
      for (const chunk of rowGroup.chunks) {
        // The file's own column name identifies the bytes (a rename keeps the fragment); a
        // nested column is assembled into the table's nested type, so that type is part of it.
        const column = chunk.fileTree ? `${chunk.path}|${JSON.stringify(chunk.type)}` : chunk.path;
        refs.push({ key: fragmentKey({ objectKey: file.key, etag: file.etag, rowGroup: rowGroup.index, column }), file, rowGroup, chunk });
      }
    }
  }
  return refs;
}

export function partitionLabel(file: FileScan): string {
  const entries = Object.entries(file.file.partition);
  if (entries.length === 0) return "(unpartitioned)";
  return entries.map(([name, value]) => {
    const transform = /_(year|month|day|hour)$/.exec(name)?.[1] as "year" | "month" | "day" | "hour" | undefined;
    return `${name}=${formatPartitionValue(transform ?? "identity", value)}`;
  }).join("/");
}

export function summarizeDiff(plan: ScanPlan, classified: { ref: FragmentRef; tier: Tier; memoryBytes?: number }[]): CacheDiff {
  const fragments: Record<Tier, FragmentRef[]> = { memory: [], disk: [], fetch: [] };
  const bytes: Record<Tier, number> = { memory: 0, disk: 0, fetch: 0 };
  const columns = new Map<string, { fragments: number; fetch: number; fetchBytes: number }>();
  const partitions = new Map<string, { fragments: number; fetch: number; fetchBytes: number }>();
  for (const { ref, tier, memoryBytes } of classified) {
    fragments[tier].push(ref);
    bytes[tier] += tier === "memory" ? (memoryBytes ?? 0) : ref.chunk.length;
    for (const [map, name] of [[columns, ref.chunk.column], [partitions, partitionLabel(ref.file)]] as const) {
      const entry = map.get(name) ?? { fragments: 0, fetch: 0, fetchBytes: 0 };
      entry.fragments++;
      if (tier === "fetch") {
        entry.fetch++;
        entry.fetchBytes += ref.chunk.length;
      }
      map.set(name, entry);
    }
  }
  return {
    table: plan.table,
    snapshotId: plan.snapshotId,
    fragments, bytes,
    columns: [...columns].map(([column, v]) => ({ column, ...v })),
    partitions: [...partitions].map(([partition, v]) => ({ partition, ...v })).sort((a, b) => (a.partition < b.partition ? -1 : 1)),
  };
}

export function formatBytesShort(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
  return `${(n / 1e9).toFixed(1)} GB`;
}

/** One line for people: what is cached, what is new, how much must be fetched. */
export function describeDiff(diff: CacheDiff): string {
  const total = diff.fragments.memory.length + diff.fragments.disk.length + diff.fragments.fetch.length;
  if (total === 0) return "nothing to read (no data files match)";
  const cachedColumns = diff.columns.filter((c) => c.fetch === 0).length;
  const fetchBytes = diff.bytes.fetch;
  if (fetchBytes === 0 && diff.fragments.fetch.length === 0) {
    const where = [diff.fragments.memory.length ? `${diff.fragments.memory.length} in memory` : "", diff.fragments.disk.length ? `${diff.fragments.disk.length} on disk` : ""].filter(Boolean).join(", ");
    return `all ${diff.columns.length} columns cached (${total} fragments: ${where}); nothing to fetch`;
  }
  const newParts = diff.partitions.filter((p) => p.fetch === p.fragments);
  const newColumns = diff.columns.filter((c) => c.fetch === c.fragments);
  const news: string[] = [];
  if (newColumns.length && newColumns.length < diff.columns.length) news.push(`column${newColumns.length > 1 ? "s" : ""} ${newColumns.map((c) => c.column).join(", ")}`);
  if (newParts.length && newParts.length < diff.partitions.length) {
    news.push(newParts.length <= 3 ? newParts.map((p) => p.partition).join(", ") : `${newParts.length} partitions (${newParts[0]!.partition} … ${newParts.at(-1)!.partition})`);
  }
  const what = news.length ? `${news.join(" and ")} ${news.length === 1 && !news[0]!.includes(",") && !news[0]!.startsWith("columns") ? "is" : "are"} new: ` : "";
  return `${cachedColumns} of ${diff.columns.length} columns cached; ${what}${formatBytesShort(fetchBytes)} to fetch (${diff.fragments.fetch.length} of ${total} fragments)`;
}
