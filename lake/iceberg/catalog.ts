// The catalog of a warehouse: namespaces and tables laid out as
// <root>/<namespace>/<table>/metadata/vN.metadata.json. A table's current metadata is
// the highest vN present (version-hint.text is only written for other readers), so
// the put-if-absent of vN+1 is the single atomic step of every commit — dropping a
// table too: its last version is a tombstone (metadata marked dropped, no current
// snapshot), and a `dropped-vN` marker lets a listing see that without reading it.
// Tables other engines wrote and registered tables are found too (find-metadata.ts)
// and read through a store that reaches past the lake's root (store/reach-store.ts).
// `Catalog.open` gives this lake-folder catalog, or the REST catalog LAKELOOP_CATALOG
// names (catalog-rest/rest-catalog.ts): the same methods either way.
import { randomUUID } from "node:crypto";
import type { Field, Schema } from "../schema.js";
import type { ObjectStore } from "../store/object-store.js";
import { decimalTypeOf } from "../value-text.js";
import { IcebergError, TableExistsError, TableNotFoundError } from "./errors.js";
import { findTable, tablesIn } from "./find-metadata.js";
import { DEFAULT_NAMESPACE, nearestName, parseTableName, qualifiedName, shortTableName } from "./names.js";
import { dropPointerOrRefuse, openFoundTable } from "./open-table.js";
import { parsePartitionBy } from "./partition.js";
import { Table } from "./table.js";
import type { TableMetadata } from "./types.js";

const METADATA_FILE = /^([^/]+)\/([^/]+)\/metadata\/v(\d+)\.metadata\.json$/;
const DROPPED_MARKER = /^([^/]+)\/([^/]+)\/metadata\/dropped-v(\d+)$/;
/** The table property of a tombstone: when the table was dropped. */
export const DROPPED_PROPERTY = "lakeloop.dropped";
const PRIMITIVES = new Set(["boolean", "int", "long", "float", "double", "date", "timestamp", "timestamptz", "string", "binary"]);

/** decimal(P, S) with 1 <= P <= 38 and 0 <= S <= P, as Iceberg allows. */
function isValidDecimal(type: string): boolean {
  const decimal = decimalTypeOf(type);
  return decimal !== undefined && decimal.precision >= 1 && decimal.precision <= 38 && decimal.scale <= decimal.precision;
}

export interface CreateTableOptions {
  /** Partition clause, e.g. "month(eventTime)" or "day(eventTime), country". */
  partitionBy?: string;
  properties?: Record<string, string>;
}

export class Catalog {
  /** Parsed immutable files (manifests, manifest lists) by key: they never change once written. */
  #immutable = new Map<string, Promise<unknown>>();

  protected constructor(readonly store: ObjectStore) {}

  /** The lake's URI, for messages. */
  get lake(): string {
    return this.store.root;
  }

  /** The catalog of a lake folder's own metadata files; lake/open-catalog.ts chooses between this and a REST catalog. */
  static ofFolder(store: ObjectStore): Catalog {
    return new Catalog(store);
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

  /** Every table's latest metadata version, by qualified name, dropped tables included. */
  async #allVersions(prefix = ""): Promise<{ versions: Map<string, number>; dropped: Set<string> }> {
    const versions = new Map<string, number>();
    const dropped = new Set<string>();
    for (const object of await this.store.list(prefix)) {
      const match = METADATA_FILE.exec(object.key);
      const marker = DROPPED_MARKER.exec(object.key);
      if (marker) dropped.add(`${marker[1]}.${marker[2]}@${marker[3]}`);
      if (!match) continue;
      const name = `${match[1]}.${match[2]}`;
      versions.set(name, Math.max(versions.get(name) ?? 0, Number(match[3])));
    }
    return { versions, dropped };
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
      throw new TableNotFoundError(name, short, nearestName(name, short), this.store.root);
    }
    const table = await openFoundTable(this, found);
    // A tombstone whose marker is not written yet (a drop in progress): the table is gone.
    if (table.metadata.properties?.[DROPPED_PROPERTY]) throw new TableNotFoundError(name, [], undefined, this.store.root);
    return table;
  }

  async createTable(name: string, fields: Array<Omit<Field, "id">>, options: CreateTableOptions = {}): Promise<Table> {
    const ident = parseTableName(name);
    const qualified = qualifiedName(ident);
    if (fields.length === 0) throw new IcebergError("BAD_SCHEMA", `table '${name}' needs at least one column`);
    const names = new Set<string>();
    for (const f of fields) {
      if (names.has(f.name)) throw new IcebergError("BAD_SCHEMA", `column '${f.name}' appears twice in table '${name}'`);
      if (typeof f.type !== "string" || (!PRIMITIVES.has(f.type) && !isValidDecimal(f.type))) throw new IcebergError("BAD_SCHEMA", `column '${f.name}' has unsupported type '${String(f.type)}'`);
      names.add(f.name);
    }
    if (await this.tableExists(qualified)) throw new TableExistsError(qualified);
    // Over a dropped table of the same name, the new table's first version follows the tombstone.
    const version = ((await this.#allVersions(`${ident.namespace}/${ident.table}/metadata/`)).versions.get(qualified) ?? 0) + 1;
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
    const key = `${ident.namespace}/${ident.table}/metadata/v${version}.metadata.json`;
    if (!(await this.store.putIfAbsent(key, JSON.stringify(metadata, null, 2)))) throw new TableExistsError(qualified);
    await this.store.put(`${ident.namespace}/${ident.table}/metadata/version-hint.text`, String(version)).catch(() => {});
    return new Table(this, qualified, key, version, metadata);
  }

  /**
   * Drops a table in one atomic step: its tombstone wins version N+1 (a concurrent
   * commit loses the race, reloads and finds no table). Then its files are removed; the
   * tombstone and its marker stay, so a writer still holding version N cannot bring
   * the table back, and a new table of the same name starts after them.
   */
  async dropTable(name: string): Promise<void> {
    const table = await this.loadTable(name);
    if (await dropPointerOrRefuse(this.store, await findTable(this.store, parseTableName(name)), table)) return;
    const tombstone = await table.commitMetadata(async (base) => ({
      ...base.metadata,
      "current-snapshot-id": null,
      refs: {},
      "last-updated-ms": Math.max(Date.now(), base.metadata["last-updated-ms"] + 1),
      properties: { ...base.metadata.properties, [DROPPED_PROPERTY]: new Date().toISOString() },
      "metadata-log": [...base.metadata["metadata-log"], { "metadata-file": this.store.uriOf(base.metadataKey), "timestamp-ms": base.metadata["last-updated-ms"] }],
    }));
    await this.store.put(`${table.rootKey}/metadata/dropped-v${tombstone.version}`, tombstone.metadata.properties[DROPPED_PROPERTY]!);
    for (const object of await this.store.list(`${table.rootKey}/`)) {
      if (object.key !== tombstone.metadataKey && !DROPPED_MARKER.test(object.key)) await this.store.delete(object.key).catch(() => {});
    }
  }
}
