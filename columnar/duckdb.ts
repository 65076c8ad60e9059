// A DuckDB database for lakeloop's own use (in memory by default, UTC, bounded
// threads), with the few conveniences the rooms need: run a statement, read a small
// result as plain rows (control-plane answers: schemas, counts), and errors that quote
// the SQL that failed.
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

export class DuckDBError extends Error {
  override name = "DuckDBError";
  readonly code = "DUCKDB";
  constructor(readonly sql: string, readonly detail: string, options?: { cause?: unknown }) {
    super(`${detail}\n  in SQL: ${sql.length > 400 ? sql.slice(0, 400) + "…" : sql}`, options);
  }
}

export interface DuckOptions {
  /** Database file, or ":memory:" (default). */
  path?: string;
  threads?: number;
  /** e.g. "4GB". */
  memoryLimit?: string;
  /** Further settings at open (e.g. enable_external_access: "false"). */
  settings?: Record<string, string>;
}

export class Duck {
  private constructor(readonly instance: DuckDBInstance, readonly connection: DuckDBConnection) {}

  static async open(options: DuckOptions = {}): Promise<Duck> {
    const config: Record<string, string> = { ...options.settings };
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    const instance = await DuckDBInstance.create(options.path ?? ":memory:", config);
    const duck = new Duck(instance, await instance.connect());
    // Timestamps are UTC everywhere in lakeloop (every connection: the setting is global).
    await duck.run("SET GLOBAL TimeZone = 'UTC'");
    return duck;
  }

  async run(sql: string): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (err) {
      throw new DuckDBError(sql, (err as Error).message, { cause: err });
    }
  }

  /** A small result as JS row objects (BIGINT as bigint, timestamps as DuckDB values). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    } catch (err) {
      throw new DuckDBError(sql, (err as Error).message, { cause: err });
    }
  }

  /** Another connection to the same database (same settings): its own temp tables, queries in parallel. */
  async fork(): Promise<Duck> {
    const duck = new Duck(this.instance, await this.instance.connect());
    duck.#shared = true;
    return duck;
  }

  #shared = false;

  close(): void {
    this.connection.closeSync();
    if (!this.#shared) this.instance.closeSync();
  }
}

/** Quotes an identifier for DuckDB SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for DuckDB SQL. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
