// The catalog of a warehouse: namespaces and tables laid out as
// <root>/<namespace>/<table>/metadata/vN.metadata.json. A table's current metadata is
// the highest vN present (version-hint.text is only written for other readers), so
// the put-if-absent of vN+1 is the single atomic step of every commit. Tables other
// engines wrote and registered tables are found too (find-metadata.ts) and read
// through a store that reaches past the lake's root (store/reach-store.ts).
// `Catalog.open` gives this lake-folder catalog, or the REST catalog LAKELOOP_CATALOG
// names (catalog-rest/rest-catalog.ts): the same methods either way.
import { randomUUID } from "node:crypto";
import type { Field, Schema } from "../schema.js";
import type { ObjectStore } from "../store/object-store.js";
import { ReachStore } from "../store/reach-store.js";
import { IcebergError, TableExistsError, TableNotFoundError } from "./errors.js";
import { findTable, tablesIn } from "./find-metadata.js";
import { DEFAULT_NAMESPACE, nearestName, parseTableName, qualifiedName, shortTableName } from "./names.js";
import { dropPointerOrRefuse, openFoundTable } from "./open-table.js";
import { parsePartitionBy } from "./partition.js";
import { Table } from "./table.js";
import type { TableMetadata } from "./types.js";

const METADATA_FILE = /^([^/]+)\/([^/]+)\/metadata\/v(\d+)\.metadata\.json$/;
const PRIMITIVES = new Set(["boolean", "int", "long", "float", "double", "date", "timestamp", "timestamptz", "string", "binary"]);

export interface CreateTableOptions {
  /** Partition clause, e.g. "month(eventTime)" or "day(eventTime), country". */
  partitionBy?: string;
  properties?: Record<string, string>;
}

export class Catalog {
  /** Parsed immutable files (manifests, manifest lists) by key: they never change once written. */
  #immutable = new Map<string, Promise<unknown>>();

  protected constructor(readonly store: ObjectStore) {}

  static async open(store: ObjectStore, env: NodeJS.ProcessEnv = process.env): Promise<Catalog> {
    if (env.LAKELOOP_CATALOG) return (await import("../catalog-rest/rest-catalog.js")).RestCatalog.connect(ReachStore.of(store, env), env);
    return new Catalog(ReachStore.of(store, env));
  }

  /** Reads and parses an immutable object once per catalog. */
  readImmutable<T>(key: string, parse: (bytes: Uint8Array) => Promise<T>): Promise<T> {
    let entry = this.#immutable.get(key) as Promise<T> | undefined;
    if (!entry) {
      entry = this.store.get(key).then(parse);
      entry.catch(() => this.#immutable.delete(key));
      this.#immutable.set(key, entry);
      if (this.#immutable.size > 4096) this.#immutable.delete(this.#immutable.keys().next().value!);
    }
    return entry;
  }

  async listTables(namespace?: string): Promise<string[]> {
    // "ns" (no slash) also lists a Hive warehouse's "ns.db/"; the top-level tables are in "default".
    const found = tablesIn(await this.store.list(namespace && namespace !== DEFAULT_NAMESPACE ? namespace : ""));
    return [...found.keys()].filter((name) => !namespace || name.startsWith(`${namespace}.`)).sort();
  }

  async listNamespaces(): Promise<string[]> {
    return [...new Set((await this.listTables()).map((t) => t.split(".")[0]!))].sort();
  }

  async tableExists(name: string): Promise<boolean> {
    return (await findTable(this.store, parseTableName(name))) !== undefined;
  }

  async loadTable(name: string): Promise<Table> {
    const found = await findTable(this.store, parseTableName(name));
    if (!found) {
      const existing = await this.listTables();
      const short = existing.map(shortTableName);
      throw new TableNotFoundError(name, short, nearestName(name, short));
    }
    return openFoundTable(this, found);
  }

  async createTable(name: string, fields: Array<Omit<Field, "id">>, options: CreateTableOptions = {}): Promise<Table> {
    const ident = parseTableName(name);
    const qualified = qualifiedName(ident);
    if (fields.length === 0) throw new IcebergError("BAD_SCHEMA", `table '${name}' needs at least one column`);
    const names = new Set<string>();
    for (const f of fields) {
      if (names.has(f.name)) throw new IcebergError("BAD_SCHEMA", `column '${f.name}' appears twice in table '${name}'`);
      if (!PRIMITIVES.has(f.type)) throw new IcebergError("BAD_SCHEMA", `column '${f.name}' has unsupported type '${String(f.type)}'`);
      names.add(f.name);
    }
    if (await this.tableExists(qualified)) throw new TableExistsError(qualified);
    const schema: Schema = { "schema-id": 0, type: "struct", fields: fields.map((f, i) => ({ ...f, id: i + 1 })) };
    const partitionFields = options.partitionBy ? parsePartitionBy(options.partitionBy, schema) : [];
    const now = Date.now();
    const metadata: TableMetadata = {
      "format-version": 2,
      "table-uuid": randomUUID(),
      location: this.store.uriOf(`${ident.namespace}/${ident.table}`),
      "last-sequence-number": 0,
      "last-updated-ms": now,
      "last-column-id": schema.fields.length,
      "current-schema-id": 0,
      schemas: [schema],
      "default-spec-id": 0,
      "partition-specs": [{ "spec-id": 0, fields: partitionFields }],
      "last-partition-id": partitionFields.length ? Math.max(...partitionFields.map((f) => f["field-id"])) : 999,
      "default-sort-order-id": 0,
      "sort-orders": [{ "order-id": 0, fields: [] }],
      properties: { "write.format.default": "parquet", ...options.properties },
      "current-snapshot-id": null,
      refs: {},
      snapshots: [],
      "snapshot-log": [],
      "metadata-log": [],
    };
    const key = `${ident.namespace}/${ident.table}/metadata/v1.metadata.json`;
    if (!(await this.store.putIfAbsent(key, JSON.stringify(metadata, null, 2)))) throw new TableExistsError(qualified);
    await this.store.put(`${ident.namespace}/${ident.table}/metadata/version-hint.text`, "1").catch(() => {});
    return new Table(this, qualified, key, 1, metadata);
  }

  /** Removes the table's metadata first (so it disappears at once), then its files. */
  async dropTable(name: string): Promise<void> {
    const table = await this.loadTable(name);
    if (await dropPointerOrRefuse(this.store, await findTable(this.store, parseTableName(name)), table)) return;
    const objects = await this.store.list(`${table.rootKey}/`);
    const metadataFirst = objects.sort((a, b) => Number(METADATA_FILE.test(b.key)) - Number(METADATA_FILE.test(a.key)));
    for (const object of metadataFirst) await this.store.delete(object.key);
  }
}
