// The differential cache. A scan plan becomes fragments (file x row group x column);
// each comes from memory, else from disk, else is fetched — only the missing chunks,
// by coalesced ranged reads, each fragment once even when concurrent scans want it —
// and decoded by DuckDB. The result is a table assembled as a view over the fragments
// (one record batch per row group, no copy; a column the file lacks is null, a promoted
// one converted), less the rows the snapshot's delete files delete, then filtered and
// projected.
import * as path from "node:path";
import { Field, makeData, RecordBatch, Schema, Struct, Table, type Data } from "apache-arrow";
import { arrowSchemaOf } from "../lake/arrow-type.js";
import { emptyTable } from "../columnar/empty-table.js";
import { Duck } from "../columnar/duckdb.js";
import { filterTable } from "../lake/filter/filter-table.js";
import type { FilterExpr } from "../lake/filter/filter.js";
import { fixedLengthOf, isPrimitive, type IcebergType } from "../lake/schema.js";
import { formatFilter } from "../lake/filter/format-filter.js";
import type { SqlOverArrow } from "../columnar/sql-over-arrow.js";
import type { FileScan, ScanPlan } from "../lake/scan/scan-plan.js";
import type { ObjectStore } from "../lake/store/object-store.js";
import { conformData, nullData } from "./conform-column.js";
import { decodeChunks } from "./decode/decode-chunks.js";
import { applyDeletes, loadDeletes } from "./deletes/apply-deletes.js";
import { DeleteReader } from "./deletes/read-deletes.js";
import { prepareDecompression } from "./decode/decompress.js";
import { fragmentRefs, summarizeDiff, type CacheDiff, type FragmentRef, type Tier } from "./diff.js";
import { DiskTier } from "./disk-tier.js";
import { ProgressMap } from "./progress-map.js";
import { fetchRanges } from "./fetch-ranges.js";
import type { FragmentKey } from "./fragment-key.js";
import { decodedBytes, type Fragment } from "./fragment.js";
import { unifyStringColumns } from "./unify-strings.js";
import { loadHasher } from "./hash.js";
import { MemoryTier } from "./memory-tier.js";
import { measureDiskUsage } from "./disk-usage.js";

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
  /** DuckDB over Arrow: with the native bridge, row groups that need filtering are filtered there. */
  sql?: SqlOverArrow;
}

export interface ScanStats {
  fragments: Record<"memory" | "disk" | "fetched", number>;
  /** memory: decoded bytes reused; disk: bytes read from cache files; objectStore: bytes transferred. */
  bytes: { memory: number; disk: number; objectStore: number };
  requests: number;
  corruptions: number;
  rowsScanned: number;
  /** Rows dropped by delete files (position, equality, deletion vectors). */
  rowsDeleted: number;
  rowsReturned: number;
  ms: { total: number; read: number; decode: number; filter: number };
}

/** What the cache holds in each tier and did since it started. */
export interface ColumnCacheStatus {
  memoryBytes: number;
  memoryFragments: number;
  memoryBound: number;
  /** The disk tier's folder and what it holds; null when the tiers are off. */
  disk: { dir: string; fragments: number; bytes: number } | null;
  totals: ScanStats;
}

export interface ScanResult {
  table: Table;
  stats: ScanStats;
}

export const emptyScanStats = (): ScanStats => ({
  fragments: { memory: 0, disk: 0, fetched: 0 }, bytes: { memory: 0, disk: 0, objectStore: 0 }, requests: 0, corruptions: 0,
  rowsScanned: 0, rowsDeleted: 0, rowsReturned: 0, ms: { total: 0, read: 0, decode: 0, filter: 0 },
});

export function addScanStats(into: ScanStats, more: ScanStats): void {
  for (const k of ["memory", "disk", "fetched"] as const) into.fragments[k] += more.fragments[k];
  for (const k of ["memory", "disk", "objectStore"] as const) into.bytes[k] += more.bytes[k];
  for (const k of ["total", "read", "decode", "filter"] as const) into.ms[k] += more.ms[k];
  into.requests += more.requests;
  into.corruptions += more.corruptions;
  into.rowsScanned += more.rowsScanned;
  into.rowsDeleted += more.rowsDeleted ?? 0;
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
  readonly #enabled: boolean;
  readonly #deletes: DeleteReader;
  readonly #sql: SqlOverArrow | undefined;

  constructor(options: ColumnCacheOptions) {
    this.#enabled = options.enabled ?? process.env.LAKELOOP_CACHE_OFF !== "1";
    this.#store = options.store;
    this.memory = new MemoryTier(options.memoryBytes ?? defaultMemoryBytes());
    this.disk = new DiskTier(options.diskDir ?? defaultCacheDir());
    this.#concurrency = options.fetchConcurrency ?? 8;
    this.#deletes = new DeleteReader(this.#store, () => (this.#duck ??= Duck.open({ threads: 2 })), this.#enabled ? this.disk : undefined);
    this.#sql = options.sql;
  }

  /** Waits for disk writes in flight, then lets go of DuckDB. */
  async close(): Promise<void> {
    await this.disk.settled();
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
    // Delete files load alongside the fragments.
    const deletesLoading = loadDeletes(plan, this.#deletes);
    deletesLoading.catch(() => {});
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
      const fromDisk: { ref: FragmentRef; bytes: Uint8Array; fileBytes: number }[] = [];
      await Promise.all(missing.map(async (ref) => {
        const read = this.#enabled ? await this.disk.read(ref.key) : { bytes: undefined, fileBytes: 0 };
        if (read.bytes) fromDisk.push({ ref, bytes: read.bytes, fileBytes: read.fileBytes });
        else {
          if (read.corrupt) stats.corruptions++;
          toFetch.push(ref);
        }
      }));
      // Chunks from disk decode like fetched ones; one that no longer decodes is
      // discarded and fetched again.
      const decodedDisk = await this.#decode(plan, fromDisk, stats, true);
      for (const [i, item] of fromDisk.entries()) {
        const data = decodedDisk[i];
        if (data) {
          stats.fragments.disk++;
          stats.bytes.disk += item.fileBytes;
          this.#settle(item.ref.key, { key: item.ref.key, data, bytes: decodedBytes(data) }, found, claims);
        } else {
          stats.corruptions++;
          await this.disk.reject(item.ref.key, item.fileBytes, "does not decode");
          toFetch.push(item.ref);
        }
      }
      const byFile = new Map<string, FragmentRef[]>();
      for (const ref of toFetch) byFile.set(ref.file.key, [...(byFile.get(ref.file.key) ?? []), ref]);
      await Promise.all([...byFile.values()].map((refsOfFile) => this.#fetchFile(plan, refsOfFile, stats, found, claims)));
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
    const assembled = assemble(plan, refs, found);
    stats.rowsScanned = assembled.numRows;
    const deleteBytes = this.#deletes.fetchedBytes;
    const live = applyDeletes(assembled, plan, await deletesLoading, wholeBatches(plan));
    stats.rowsDeleted = live.deleted;
    stats.bytes.objectStore += this.#deletes.fetchedBytes - deleteBytes;
    const result = plan.filter && this.#sql?.filterBatches && live.whole.some((w) => !w) && filtersInSql(plan)
      ? await filterInSql(this.#sql, live.table, plan, live.whole)
      : project(filterTable(live.table, plan.filter, { shared: true, whole: live.whole }), plan);
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

  async #fetchFile(plan: ScanPlan, refs: FragmentRef[], stats: ScanStats, found: Map<FragmentKey, Fragment>, claims: Map<FragmentKey, { resolve(f: Fragment): void }>): Promise<void> {
    const file: FileScan = refs[0]!.file;
    const fetched = await fetchRanges(this.#store, file.key, refs.map((ref) => ({ offset: ref.chunk.offset, length: ref.chunk.length, ref })), { concurrency: this.#concurrency });
    stats.bytes.objectStore += fetched.bytes;
    stats.requests += fetched.requests;
    const items = fetched.parts.map((part) => ({ ref: part.range.ref, bytes: part.bytes, fileBytes: part.bytes.length }));
    const decoded = await this.#decode(plan, items, stats, false);
    for (const [i, item] of items.entries()) {
      const data = decoded[i]!;
      stats.fragments.fetched++;
      // The store's bytes go to disk (off the critical path): a copy, not a view of the request.
      if (this.#enabled) this.disk.writeLater(item.ref.key, item.bytes.slice());
      this.#settle(item.ref.key, { key: item.ref.key, data, bytes: decodedBytes(data) }, found, claims);
    }
  }

  /**
   * Decodes chunks to Arrow (JavaScript decoder, DuckDB for the rest). From disk, a
   * chunk that fails to decode is undefined (the caller refetches it); from the store,
   * it is an error naming the file.
   */
  async #decode(plan: ScanPlan, items: { ref: FragmentRef; bytes: Uint8Array }[], stats: ScanStats, fromDisk: boolean): Promise<(Data | undefined)[]> {
    if (items.length === 0) return [];
    await prepareDecompression();
    const done = decodeTimer(stats);
    const toDecode = items.map(({ ref, bytes }) => ({ file: ref.file, rowGroup: ref.rowGroup, chunk: ref.chunk, fieldType: ref.chunk.fileType, bytes }));
    const duck = () => (this.#duck ??= Duck.open({ threads: 2 }));
    const where = (file: FileScan) => this.#store.uriOf(file.key);
    try {
      if (!fromDisk) return (await decodeChunks(toDecode, duck, where)).map((o) => o.data);
      // One by one from disk, so that one bad file costs only its own fragment.
      return await Promise.all(toDecode.map((item) => decodeChunks([item], duck, where).then((o) => o[0]!.data, () => undefined)));
    } finally {
      done();
    }
  }

  /** What the cache holds in each tier and did since it started (the worker's status). */
  async status(): Promise<ColumnCacheStatus> {
    const usage = !this.#enabled ? undefined : await measureDiskUsage(this.disk.dir);
    return {
      memoryBytes: this.memory.bytes, memoryFragments: this.memory.size, memoryBound: this.memory.maxBytes,
      disk: !this.#enabled ? null : { dir: this.disk.dir, fragments: usage?.fragments ?? 0, bytes: usage?.bytes ?? 0 },
      totals: this.totals,
    };
  }

  async clear(): Promise<void> {
    this.memory.clear();
    await this.disk.clear();
  }
}

/**
 * One record batch per row group, each column the fragment's own data (no copy unless a
 * promotion converts it), by field id; a field the data file does not have is a null
 * column. A string column whose fragments differ (dictionary-encoded in most row
 * groups, plain in a few) is made plain throughout: a table has one type per column.
 */
function assemble(plan: ScanPlan, refs: FragmentRef[], found: Map<FragmentKey, Fragment>): Table {
  const byGroup = new Map<string, Map<number, Data>>();
  for (const ref of refs) {
    const id = `${ref.file.key}#${ref.rowGroup.index}`;
    const columns = byGroup.get(id) ?? new Map<number, Data>();
    columns.set(ref.chunk.fieldId, conformData(found.get(ref.key)!.data, ref.chunk.type, ref.chunk.column));
    byGroup.set(id, columns);
  }
  const groups = plan.files.flatMap((file) => file.rowGroups.map((group) => ({ group, columns: byGroup.get(`${file.key}#${group.index}`) ?? new Map<number, Data>() })));
  if (groups.length === 0) return emptyTable(arrowSchemaOf(plan.read));
  const nullType = (f: (typeof plan.read)[number]) => {
    const present = groups.map((g) => g.columns.get(f.id)).find(Boolean);
    return present ? present.type : arrowSchemaOf([f]).fields[0]!.type;
  };
  const columns = unifyStringColumns(plan.read.map((f) => groups.map((g) => g.columns.get(f.id) ?? nullData(nullType(f), g.group.rowCount))));
  const schema = new Schema(plan.read.map((f, i) => new Field(f.name, columns[i]![0]!.type, !f.required)));
  const batches = groups.map(({ group }, g) =>
    new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: group.rowCount, nullCount: 0, children: columns.map((c) => c[g]!) })));
  return new Table(schema, batches);
}

/**
 * The filter run by DuckDB over the row groups that need it (the others are kept whole,
 * as they are), each row group's rows back in its place: the scan's output in file order.
 */
async function filterInSql(sql: SqlOverArrow, table: Table, plan: ScanPlan, whole: boolean[]): Promise<Table> {
  const partial = table.batches.filter((_, i) => !whole[i]);
  const names = plan.output.map((f) => f.name);
  const filtered = await sql.filterBatches!(new Table(table.schema, partial), formatFilter(plan.filter!.expr), names);
  const indices = names.map((n) => table.schema.fields.findIndex((f) => f.name === n));
  const kept: { length: number; children: Data[] }[] = [];
  let next = 0;
  for (const [i, batch] of table.batches.entries()) {
    if (whole[i]) kept.push({ length: batch.numRows, children: indices.map((c) => batch.data.children[c]!) });
    else {
      const rows = filtered[next++];
      if (rows) kept.push({ length: rows.numRows, children: rows.data.children as Data[] });
    }
  }
  if (kept.length === 0) return emptyTable(new Schema(indices.map((c) => table.schema.fields[c]!)));
  const columns = unifyStringColumns(names.map((_, c) => kept.map((k) => k.children[c]!)));
  const schema = new Schema(indices.map((c, k) => new Field(table.schema.fields[c]!.name, columns[k]![0]!.type, true)));
  return new Table(schema, kept.map((k, b) => new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: k.length, nullCount: 0, children: columns.map((col) => col[b]!) }))));
}

/** Types whose filter literals DuckDB reads as lakeloop compares them (format-filter.ts). */
const SQL_FILTER_TYPES = new Set(["boolean", "int", "long", "float", "double", "date", "timestamp", "timestamptz", "string"]);
const filterableInSql = (type: IcebergType) => typeof type === "string" && (SQL_FILTER_TYPES.has(type) || type.startsWith("decimal("));

/**
 * Filters DuckDB evaluates exactly as lakeloop's own evaluation does (binary, uuid,
 * time, nanosecond and fixed literals aside), over columns SQL takes (no nested ones).
 */
function filtersInSql(plan: ScanPlan): boolean {
  const visit = (e: FilterExpr): boolean => {
    switch (e.kind) {
      case "and": case "or": return e.args.every(visit);
      case "not": return visit(e.arg);
      case "literal": return true;
      default: return filterableInSql(e.field.type);
    }
  };
  return visit(plan.filter!.expr) && plan.read.every((f) => isPrimitive(f.type) && fixedLengthOf(f.type) === undefined);
}

/** Per record batch of the assembled table: is its row group kept whole by the filter? */
function wholeBatches(plan: ScanPlan): boolean[] {
  return plan.files.flatMap((file) => file.rowGroups.map((group) => group.whole));
}

/** Keeps the requested columns, in request order (filter-only columns go). */
function project(table: Table, plan: ScanPlan): Table {
  const names = plan.output.map((f) => f.name);
  if (names.length === table.schema.fields.length && names.every((n, i) => table.schema.fields[i]!.name === n)) return table;
  const indices = names.map((n) => table.schema.fields.findIndex((f) => f.name === n));
  const schema = new Schema(indices.map((i) => table.schema.fields[i]!));
  if (table.batches.length === 0) return emptyTable(schema);
  return new Table(schema, table.batches.map((b) =>
    new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: b.numRows, nullCount: 0, children: indices.map((i) => b.data.children[i]!) }))));
}

/**
 * Times a scan's decoding as wall time: files decode concurrently, and the time during
 * which any of them is decoding counts once, so a scan's fetch (its read phase less
 * decoding) and decode add up to the phase's wall time and neither goes below zero.
 */
const decoding = new WeakMap<ScanStats, { active: number; since: number }>();
function decodeTimer(stats: ScanStats): () => void {
  const state = decoding.get(stats) ?? { active: 0, since: 0 };
  decoding.set(stats, state);
  if (state.active++ === 0) state.since = performance.now();
  return () => {
    if (--state.active === 0) stats.ms.decode += performance.now() - state.since;
  };
}
