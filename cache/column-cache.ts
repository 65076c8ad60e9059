// The differential cache. A scan plan becomes fragments (file x row group x column);
// each comes from memory, else from disk, else is fetched — only the missing chunks,
// by coalesced ranged reads, each fragment once even when concurrent scans want it —
// and decoded by DuckDB. The result is a table assembled as a view over the fragments
// (one record batch per row group, no copy), then filtered and projected.
import * as path from "node:path";
import { Field, makeData, RecordBatch, Schema, Struct, Table, type Data } from "apache-arrow";
import { arrowSchemaOf } from "../columnar/arrow-type.js";
import { Duck } from "../columnar/duckdb.js";
import { filterTable } from "../lake/filter/filter-table.js";
import type { FileScan, ScanPlan } from "../lake/scan/scan-plan.js";
import type { ObjectStore } from "../lake/store/object-store.js";
import { decodeRowGroup } from "./decode/decode-row-group.js";
import { fragmentRefs, summarizeDiff, type CacheDiff, type FragmentRef, type Tier } from "./diff.js";
import { DiskTier } from "./disk-tier.js";
import { ProgressMap } from "./progress-map.js";
import { fetchRanges } from "./fetch-ranges.js";
import type { FragmentKey } from "./fragment-key.js";
import { decodedBytes, type Fragment } from "./fragment.js";
import { loadHasher } from "./hash.js";
import { MemoryTier } from "./memory-tier.js";

export interface ColumnCacheOptions {
  store: ObjectStore;
  /** Bound of the memory tier in bytes (default $LAKELOOP_CACHE_MEMORY or 2 GiB). */
  memoryBytes?: number;
  /** Directory of the disk tier (default $LAKELOOP_CACHE or ./.lakeloop/cache). */
  diskDir?: string;
  fetchConcurrency?: number;
  /**
   * False turns the memory and disk tiers off: every scan fetches everything (the
   * benchmarks' "cache off" baseline; default from $LAKELOOP_CACHE_OFF=1).
   */
  enabled?: boolean;
}

export interface ScanStats {
  fragments: Record<"memory" | "disk" | "fetched", number>;
  /** memory: decoded bytes reused; disk: bytes read from cache files; objectStore: bytes transferred. */
  bytes: { memory: number; disk: number; objectStore: number };
  requests: number;
  corruptions: number;
  rowsScanned: number;
  rowsReturned: number;
  ms: { total: number; read: number; decode: number; filter: number };
}

export interface ScanResult {
  table: Table;
  stats: ScanStats;
}

export const emptyScanStats = (): ScanStats => ({
  fragments: { memory: 0, disk: 0, fetched: 0 }, bytes: { memory: 0, disk: 0, objectStore: 0 }, requests: 0, corruptions: 0,
  rowsScanned: 0, rowsReturned: 0, ms: { total: 0, read: 0, decode: 0, filter: 0 },
});

export function addScanStats(into: ScanStats, more: ScanStats): void {
  for (const k of ["memory", "disk", "fetched"] as const) into.fragments[k] += more.fragments[k];
  for (const k of ["memory", "disk", "objectStore"] as const) into.bytes[k] += more.bytes[k];
  for (const k of ["total", "read", "decode", "filter"] as const) into.ms[k] += more.ms[k];
  into.requests += more.requests;
  into.corruptions += more.corruptions;
  into.rowsScanned += more.rowsScanned;
  into.rowsReturned += more.rowsReturned;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.LAKELOOP_CACHE ?? "./.lakeloop/cache");
}

export function defaultMemoryBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.LAKELOOP_CACHE_MEMORY);
  return Number.isFinite(n) && n > 0 ? n : 2 * 1024 ** 3;
}

export class ColumnCache {
  readonly memory: MemoryTier;
  readonly disk: DiskTier;
  readonly totals = emptyScanStats();
  readonly #store: ObjectStore;
  readonly #concurrency: number;
  /** Fragments being fetched or decoded right now, by key: the single flight. */
  readonly #inflight = new Map<FragmentKey, Promise<Fragment>>();
  #duck: Promise<Duck> | undefined;
  #decodeQueue: Promise<unknown> = Promise.resolve();
  readonly #enabled: boolean;

  constructor(options: ColumnCacheOptions) {
    this.#enabled = options.enabled ?? process.env.LAKELOOP_CACHE_OFF !== "1";
    this.#store = options.store;
    this.memory = new MemoryTier(options.memoryBytes ?? defaultMemoryBytes());
    this.disk = new DiskTier(options.diskDir ?? defaultCacheDir());
    this.#concurrency = options.fetchConcurrency ?? 8;
  }

  async close(): Promise<void> {
    const duck = await this.#duck;
    duck?.close();
    this.#duck = undefined;
  }

  /** Where each fragment of the plan would come from, right now. */
  async diff(plan: ScanPlan): Promise<CacheDiff> {
    await loadHasher();
    const classified = await Promise.all(fragmentRefs(plan).map(async (ref) => {
      if (!this.#enabled) return { ref, tier: "fetch" as Tier };
      const hit = this.#enabled ? this.memory.get(ref.key) : undefined;
      if (hit) return { ref, tier: "memory" as Tier, memoryBytes: hit.bytes };
      return { ref, tier: (this.#inflight.has(ref.key) || (await this.disk.has(ref.key)) ? "disk" : "fetch") as Tier };
    }));
    return summarizeDiff(plan, classified);
  }

  /** `onProgress`: fragments in hand of the scan's total, as they arrive. */
  async scan(plan: ScanPlan, onProgress?: (done: number, total: number) => void): Promise<ScanResult> {
    const started = performance.now();
    await loadHasher();
    const stats = emptyScanStats();
    const refs = fragmentRefs(plan);
    const found = new ProgressMap(new Set(refs.map((r) => r.key)).size, onProgress);
    const waiting: [FragmentKey, Promise<Fragment>][] = [];
    const missing: FragmentRef[] = [];
    const claimed = new Set<FragmentKey>();

    // Memory, then fragments another scan is already bringing in.
    for (const ref of refs) {
      if (found.has(ref.key)) continue;
      const hit = this.#enabled ? this.memory.get(ref.key) : undefined;
      if (hit) {
        found.set(ref.key, hit);
        stats.fragments.memory++;
        stats.bytes.memory += hit.bytes;
      } else if (this.#inflight.has(ref.key)) {
        waiting.push([ref.key, this.#inflight.get(ref.key)!]);
      } else if (!claimed.has(ref.key)) {
        claimed.add(ref.key);
        missing.push(ref);
      }
    }

    // Claim the rest at once so concurrent scans wait on us instead of fetching too.
    const claims = new Map<FragmentKey, { resolve(f: Fragment): void; reject(e: unknown): void }>();
    for (const ref of missing) {
      let claim!: { resolve(f: Fragment): void; reject(e: unknown): void };
      const promise = new Promise<Fragment>((resolve, reject) => { claim = { resolve, reject }; });
      promise.catch(() => {});
      claims.set(ref.key, claim);
      this.#inflight.set(ref.key, promise);
    }

    const readStarted = performance.now();
    try {
      const toFetch: FragmentRef[] = [];
      await Promise.all(missing.map(async (ref) => {
        const read = this.#enabled ? await this.disk.read(ref.key) : { fragment: undefined, fileBytes: 0 };
        if (read.fragment) {
          stats.fragments.disk++;
          stats.bytes.disk += read.fileBytes;
          this.#settle(ref.key, read.fragment, found, claims);
        } else {
          if (read.corrupt) stats.corruptions++;
          toFetch.push(ref);
        }
      }));
      const byFile = new Map<string, FragmentRef[]>();
      for (const ref of toFetch) byFile.set(ref.file.key, [...(byFile.get(ref.file.key) ?? []), ref]);
      await Promise.all([...byFile.values()].map((refsOfFile) => this.#fetchFile(refsOfFile, stats, found, claims)));
    } catch (err) {
      for (const [key, claim] of claims) {
        if (this.#inflight.has(key) && !found.has(key)) {
          this.#inflight.delete(key);
          claim.reject(err);
        }
      }
      throw err;
    }
    for (const [key, promise] of waiting) {
      const fragment = await promise;
      found.set(key, fragment);
      stats.fragments.memory++;
      stats.bytes.memory += fragment.bytes;
    }
    stats.ms.read = performance.now() - readStarted - stats.ms.decode;

    const filterStarted = performance.now();
    const table = assemble(plan, refs, found);
    stats.rowsScanned = table.numRows;
    const filtered = filterTable(table, plan.filter, { shared: true });
    const result = project(filtered, plan);
    stats.rowsReturned = result.numRows;
    stats.ms.filter = performance.now() - filterStarted;
    stats.ms.total = performance.now() - started;
    addScanStats(this.totals, stats);
    return { table: result, stats };
  }

  #settle(key: FragmentKey, fragment: Fragment, found: Map<FragmentKey, Fragment>, claims: Map<FragmentKey, { resolve(f: Fragment): void }>): void {
    if (this.#enabled) this.memory.set(fragment);
    found.set(key, fragment);
    this.#inflight.delete(key);
    claims.get(key)?.resolve(fragment);
  }

  async #fetchFile(refs: FragmentRef[], stats: ScanStats, found: Map<FragmentKey, Fragment>, claims: Map<FragmentKey, { resolve(f: Fragment): void }>): Promise<void> {
    const file: FileScan = refs[0]!.file;
    const fetched = await fetchRanges(this.#store, file.key, refs.map((ref) => ({ offset: ref.chunk.offset, length: ref.chunk.length, ref })), { concurrency: this.#concurrency });
    stats.bytes.objectStore += fetched.bytes;
    stats.requests += fetched.requests;
    const byGroup = new Map<number, typeof fetched.parts>();
    for (const part of fetched.parts) byGroup.set(part.range.ref.rowGroup.index, [...(byGroup.get(part.range.ref.rowGroup.index) ?? []), part]);
    for (const [index, parts] of byGroup) {
      const group = parts[0]!.range.ref.rowGroup;
      const decoded = await this.#decode(file, index, group.rowCount, parts.map((p) => ({ column: p.range.ref.chunk.column, offset: p.range.offset, bytes: p.bytes })), stats);
      const writes: Promise<unknown>[] = [];
      for (const part of parts) {
        const data = decoded.get(part.range.ref.chunk.column)!;
        const fragment: Fragment = { key: part.range.ref.key, data, bytes: decodedBytes(data) };
        stats.fragments.fetched++;
        if (this.#enabled) writes.push(this.disk.write(fragment));
        this.#settle(fragment.key, fragment, found, claims);
      }
      await Promise.all(writes);
    }
  }

  /** DuckDB decodes one row group at a time on the cache's own connection. */
  #decode(file: FileScan, rowGroup: number, rows: number, chunks: { column: string; offset: number; bytes: Uint8Array }[], stats: ScanStats): Promise<Map<string, Data>> {
    const run = async () => {
      this.#duck ??= Duck.open({ threads: 2 });
      const duck = await this.#duck;
      const t0 = performance.now();
      try {
        return await decodeRowGroup(duck, file.footer.bytes, rowGroup, rows, chunks, this.#store.uriOf(file.key));
      } finally {
        stats.ms.decode += performance.now() - t0;
      }
    };
    const next = this.#decodeQueue.then(run, run);
    this.#decodeQueue = next.catch(() => {});
    return next;
  }

  stats(): { memoryBytes: number; memoryFragments: number; memoryBound: number; totals: ScanStats } {
    return { memoryBytes: this.memory.bytes, memoryFragments: this.memory.size, memoryBound: this.memory.maxBytes, totals: this.totals };
  }

  async clear(): Promise<void> {
    this.memory.clear();
    await this.disk.clear();
  }
}

/** One record batch per row group, each column the fragment's own data (no copy). */
function assemble(plan: ScanPlan, refs: FragmentRef[], found: Map<FragmentKey, Fragment>): Table {
  const byGroup = new Map<string, Map<string, Data>>();
  for (const ref of refs) {
    const id = `${ref.file.key}#${ref.rowGroup.index}`;
    const columns = byGroup.get(id) ?? new Map<string, Data>();
    columns.set(ref.chunk.column, found.get(ref.key)!.data);
    byGroup.set(id, columns);
  }
  let schema: Schema | undefined;
  const batches: RecordBatch[] = [];
  for (const file of plan.files) {
    for (const group of file.rowGroups) {
      const columns = byGroup.get(`${file.key}#${group.index}`)!;
      const children = plan.read.map((f) => columns.get(f.name)!);
      schema ??= new Schema(plan.read.map((f, i) => new Field(f.name, children[i]!.type, !f.required)));
      batches.push(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: group.rowCount, nullCount: 0, children })));
    }
  }
  return batches.length ? new Table(schema!, batches) : new Table(arrowSchemaOf(plan.read));
}

/** Keeps the requested columns, in request order (filter-only columns go). */
function project(table: Table, plan: ScanPlan): Table {
  const names = plan.output.map((f) => f.name);
  if (names.length === table.schema.fields.length && names.every((n, i) => table.schema.fields[i]!.name === n)) return table;
  const indices = names.map((n) => table.schema.fields.findIndex((f) => f.name === n));
  const schema = new Schema(indices.map((i) => table.schema.fields[i]!));
  if (table.batches.length === 0) return new Table(schema);
  return new Table(schema, table.batches.map((b) =>
    new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children: indices.map((i) => b.data.children[i]!) }))));
}
