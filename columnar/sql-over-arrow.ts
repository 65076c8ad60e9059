// SQL over Arrow tables, the one way SQL nodes and lakeloop's own queries reach DuckDB:
// `query(sql, inputs)` runs `sql` with each input visible under its name and returns the
// result as an Arrow table in shared memory. Two paths serve the same contract:
// - native: the bridge (columnar/native/) scans the inputs' buffers in place and hands
//   results back as buffers;
// - js: inputs are appended into temporary tables (dictionary strings as ENUM codes) and
//   results read back with the synchronous chunk API.
// `openSqlOverArrow()` picks native when the bridge loaded; `path` says which is active.
import { availableParallelism } from "node:os";
import { Table, type RecordBatch } from "apache-arrow";
import { arrowFromDuckDB } from "./arrow-from-duckdb.js";
import { loadArrowIntoDuckDB } from "./arrow-into-duckdb.js";
import { allocate } from "./buffers.js";
import { Duck, DuckDBError, quoteIdent } from "./duckdb.js";
import { describeForNative } from "./native/describe-for-native.js";
import { nativeStatus, type NativeBridge, type NativeHandle } from "./native/load-native.js";
import { tableFromBuffers, type BufferType, type ColumnBuffers } from "./table-from-buffers.js";

export interface SqlOverArrowOptions {
  /** "auto" (default): native when the bridge loaded. */
  path?: "auto" | "native" | "js";
  threads?: number;
  /** e.g. "4GB". */
  memoryLimit?: string;
  /**
   * Lock the database down for user SQL (default true): no files, no network, no
   * extensions, no changing settings. lakeloop's data reaches SQL only as inputs.
   */
  sandboxed?: boolean;
}

export interface SqlTiming {
  in: number;
  sql: number;
  out: number;
}

export interface SqlOverArrow {
  readonly path: "native" | "js";
  /** Why this path (the bridge's file, or why it is not in use). */
  readonly reason: string;
  /** `timing`, when given, receives milliseconds spent registering inputs (in), querying (sql) and turning the result into Arrow (out). */
  query(sql: string, inputs?: Record<string, Table>, signal?: AbortSignal, timing?: SqlTiming): Promise<Table>;
  /**
   * Native path only: the rows of each batch of `table` where `where` (a DuckDB boolean
   * expression) holds, with `columns`, batch by batch in order (undefined for a batch
   * that keeps none) — a scan's row filter at DuckDB's speed.
   */
  filterBatches?(table: Table, where: string, columns: string[]): Promise<(RecordBatch | undefined)[]>;
  close(): Promise<void>;
}

/** Settings that keep user SQL inside the data it is given. */
export const SANDBOX_SETTINGS: Record<string, string> = {
  enable_external_access: "false",
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
  allow_community_extensions: "false",
};

export async function openSqlOverArrow(options: SqlOverArrowOptions = {}): Promise<SqlOverArrow> {
  const status = nativeStatus();
  const want = options.path ?? "auto";
  if (want === "native" && !status.bridge) throw new Error(`the native DuckDB bridge is not available: ${status.reason}`);
  if (want !== "js" && status.bridge) return await NativeSql.open(status.bridge, status.reason, options);
  return JsSql.open(want === "js" ? "chosen by the caller" : status.reason, options);
}

function settingsOf(options: SqlOverArrowOptions): Record<string, string> {
  const config: Record<string, string> = {};
  if (options.threads) config.threads = String(options.threads);
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  return config;
}

const sharedAllocate = (bytes: number): Uint8Array => allocate(bytes, true).subarray(0, bytes);

/** Row filters split over this many DuckDB threads (each query keeps its rows' order on one). */
const PARALLEL_FILTERS = Math.max(1, Math.min(4, availableParallelism()));

class NativeSql implements SqlOverArrow {
  readonly path = "native" as const;
  readonly #idle: NativeHandle[] = [];
  #closed = false;

  private constructor(readonly reason: string, readonly bridge: NativeBridge, readonly db: NativeHandle) {}

  static async open(bridge: NativeBridge, reason: string, options: SqlOverArrowOptions): Promise<NativeSql> {
    const sandboxed = options.sandboxed ?? true;
    const db = bridge.open(":memory:", { ...settingsOf(options), ...(sandboxed ? SANDBOX_SETTINGS : {}) });
    const sql = new NativeSql(reason, bridge, db);
    const conn = bridge.connect(db);
    // Timestamps are UTC everywhere in lakeloop; then nothing may change the settings.
    await bridge.query(conn, `SET GLOBAL TimeZone = 'UTC'${sandboxed ? "; SET lock_configuration = true" : ""}`, sharedAllocate);
    sql.#idle.push(conn);
    return sql;
  }

  #connection(): NativeHandle {
    return this.#idle.pop() ?? this.bridge.connect(this.db);
  }

  async query(sql: string, inputs: Record<string, Table> = {}, signal?: AbortSignal, timing?: SqlTiming): Promise<Table> {
    if (this.#closed) throw new Error("the SQL engine is closed");
    const conn = this.#connection();
    const registered: [string, number][] = [];
    const onAbort = () => this.bridge.interrupt(conn);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const t0 = performance.now();
      for (const [name, table] of Object.entries(inputs)) registered.push([name, this.bridge.register(conn, name, describeForNative(table))]);
      const t1 = performance.now();
      const result = await this.bridge.query(conn, sql, sharedAllocate).catch((err: Error) => {
        throw new DuckDBError(sql, signal?.aborted ? "the query was cancelled" : err.message, { cause: err });
      });
      const table = tableFromBuffers(result.rows, result.columns.map((c) => ({ ...c, type: c.type as BufferType }) as ColumnBuffers));
      if (timing) {
        timing.in = t1 - t0;
        timing.sql = result.executeMs;
        timing.out = performance.now() - t1 - result.executeMs;
      }
      return table;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      for (const [name, id] of registered) this.bridge.release(conn, name, id);
      if (this.#closed) this.bridge.disconnect(conn);
      else this.#idle.push(conn);
    }
  }

  async filterBatches(table: Table, where: string, columns: string[]): Promise<(RecordBatch | undefined)[]> {
    // An order-keeping query runs on one DuckDB thread: split the batches into parts of
    // about equal rows and filter the parts side by side, one connection each.
    const parts = Math.min(PARALLEL_FILTERS, table.batches.length);
    const ranges: [number, number][] = [];
    let from = 0;
    for (let p = 0; p < parts; p++) {
      const target = (table.numRows * (p + 1)) / parts;
      let to = from;
      let rows = table.batches.slice(0, from).reduce((n, b) => n + b.numRows, 0);
      while (to < table.batches.length && (rows < target || to === from)) rows += table.batches[to++]!.numRows;
      if (p === parts - 1) to = table.batches.length;
      if (to > from) ranges.push([from, to]);
      from = to;
    }
    const results = await Promise.all(ranges.map(([a, b]) => this.#filterPart(new Table(table.schema, table.batches.slice(a, b)), where, columns)));
    return results.flat();
  }

  async #filterPart(table: Table, where: string, columns: string[]): Promise<(RecordBatch | undefined)[]> {
    const conn = this.#connection();
    const name = "__lakeloop_filter";
    const id = this.bridge.register(conn, name, { ...describeForNative(table), batchColumn: true });
    try {
      const select = [...columns.map(quoteIdent), "__lakeloop_batch"].join(", ");
      const result = await this.bridge.query(conn, `SELECT ${select} FROM ${name} WHERE ${where}`, sharedAllocate);
      const out = tableFromBuffers(result.rows, result.columns.map((c) => ({ ...c, type: c.type as BufferType }) as ColumnBuffers));
      const batchColumn = out.batches[0]!.data.children.at(-1)!.values as Int32Array;
      const kept = out.batches[0]!.selectAt(columns.map((_, i) => i));
      const batches: (RecordBatch | undefined)[] = new Array(table.batches.length).fill(undefined);
      // Rows come back in table order, so each batch's rows are one run.
      for (let start = 0; start < result.rows;) {
        const b = batchColumn[start]!;
        let end = start + 1;
        while (end < result.rows && batchColumn[end] === b) end++;
        batches[b] = kept.slice(start, end);
        start = end;
      }
      return batches;
    } finally {
      this.bridge.release(conn, name, id);
      if (this.#closed) this.bridge.disconnect(conn);
      else this.#idle.push(conn);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const conn of this.#idle.splice(0)) this.bridge.disconnect(conn);
    this.bridge.close(this.db);
  }
}

class JsSql implements SqlOverArrow {
  readonly path = "js" as const;

  private constructor(readonly reason: string, readonly duck: Duck) {}

  static async open(reason: string, options: SqlOverArrowOptions): Promise<JsSql> {
    const sandboxed = options.sandboxed ?? true;
    const duck = await Duck.open({ threads: options.threads, memoryLimit: options.memoryLimit, settings: sandboxed ? SANDBOX_SETTINGS : {} });
    if (sandboxed) await duck.run("SET lock_configuration = true");
    return new JsSql(reason, duck);
  }

  async query(sql: string, inputs: Record<string, Table> = {}, signal?: AbortSignal, timing?: SqlTiming): Promise<Table> {
    const conn = await this.duck.fork();
    const onAbort = () => conn.connection.interrupt();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const t0 = performance.now();
      for (const [name, table] of Object.entries(inputs)) await loadArrowIntoDuckDB(conn, name, table);
      const t1 = performance.now();
      const table = await arrowFromDuckDB(conn, sql, { shared: true, timing }).catch((err: Error) => {
        if (signal?.aborted) throw new DuckDBError(sql, "the query was cancelled", { cause: err });
        throw err;
      });
      if (timing) timing.in = t1 - t0;
      return table;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      for (const name of Object.keys(inputs)) await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`).catch(() => {});
      conn.close();
    }
  }

  async close(): Promise<void> {
    this.duck.close();
  }
}
