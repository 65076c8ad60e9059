// One Iceberg v2 table at one metadata version: its schema, partition spec and
// snapshots, the data files of any snapshot, and optimistic commits that either
// publish metadata version N+1 atomically (put-if-absent) or change nothing visible.
// A commit goes to one ref (the branch `main` by default, see branches/); a merge
// other writers left pending on the version it builds on is settled first.
import { randomUUID } from "node:crypto";
import type { Schema } from "../schema.js";
import { MAIN } from "./branches/ref-names.js";
import { settlePending, type PendingPolicy } from "./branches/pending.js";
import type { Catalog } from "./catalog.js";
import { CommitConflictError, CorruptMetadataError, IcebergError, SnapshotNotFoundError } from "./errors.js";
import { assertExactIds } from "./exact-ids.js";
import { TableLocations } from "./locations.js";
import {
  decodeManifest, decodeManifestList, encodeManifest, encodeManifestList, EntryStatus, manifestFileFor,
  type ManifestFile, type ManifestWrite,
} from "./manifest.js";
import type { DataFile, PartitionSpec, Snapshot, TableMetadata } from "./types.js";

export interface TableChange {
  /** append adds files; replace makes them the table's only files. */
  operation: "append" | "replace";
  files: DataFile[];
  /** Delete files to add (position or equality deletes, deletion vectors): rows of live files that go. */
  deletes?: DataFile[];
  summary?: Record<string, string>;
}

export interface CommitOptions {
  retries?: number;
  /** The branch the commit moves (default main: also the table's current snapshot). */
  ref?: string;
  /** What to do about another merge still deciding on that ref (branches/pending.ts). */
  pending?: PendingPolicy;
}

export class Table {
  constructor(
    readonly catalog: Catalog,
    readonly name: string,
    readonly metadataKey: string,
    readonly version: number,
    readonly metadata: TableMetadata,
    /** Why lakeloop must not commit to this table (open-table.ts), if it must not. */
    readonly readOnly?: string,
  ) {}

  #locations?: TableLocations;

  /** Where the files named in the metadata are (the table may have been copied or moved). */
  get locations(): TableLocations {
    return (this.#locations ??= new TableLocations(this.catalog.store, this.metadata, this.metadataKey));
  }

  get location(): string {
    return this.metadata.location;
  }

  /** Store key of the table's root directory. */
  get rootKey(): string {
    return this.locations.rootKey;
  }

  schema(): Schema {
    const schema = this.metadata.schemas.find((s) => s["schema-id"] === this.metadata["current-schema-id"]);
    if (!schema) throw new CorruptMetadataError(this.metadataKey, `current schema ${this.metadata["current-schema-id"]} is missing`);
    return schema;
  }

  partitionSpec(): PartitionSpec {
    const spec = this.metadata["partition-specs"].find((s) => s["spec-id"] === this.metadata["default-spec-id"]);
    if (!spec) throw new CorruptMetadataError(this.metadataKey, `default partition spec ${this.metadata["default-spec-id"]} is missing`);
    return spec;
  }

  currentSnapshot(): Snapshot | undefined {
    const id = this.metadata["current-snapshot-id"];
    return id === undefined || id === null || id === -1 ? undefined : this.metadata.snapshots.find((s) => s["snapshot-id"] === id);
  }

  /** The snapshot a ref names (main: the current snapshot); none when the ref is absent. */
  refSnapshot(ref: string): Snapshot | undefined {
    if (ref === MAIN) return this.currentSnapshot();
    const id = this.metadata.refs?.[ref]?.["snapshot-id"];
    return id === undefined ? undefined : this.snapshotById(id);
  }

  /** The same table version seen with other metadata (a branch's view, a settled merge). */
  withMetadata(metadata: TableMetadata): Table {
    return new Table(this.catalog, this.name, this.metadataKey, this.version, metadata, this.readOnly);
  }

  snapshotById(id: number): Snapshot {
    const snapshot = this.metadata.snapshots.find((s) => s["snapshot-id"] === id);
    if (!snapshot) throw new SnapshotNotFoundError(this.name, `with id ${id}`, this.metadata.snapshots.map((s) => s["snapshot-id"]));
    return snapshot;
  }

  /** The snapshot that was current at `ms` (epoch milliseconds), from the snapshot log. */
  snapshotAsOf(ms: number): Snapshot {
    let found: number | undefined;
    for (const entry of this.metadata["snapshot-log"]) if (entry["timestamp-ms"] <= ms) found = entry["snapshot-id"];
    if (found === undefined) {
      const first = this.metadata["snapshot-log"][0];
      throw new SnapshotNotFoundError(this.name, `as of ${new Date(ms).toISOString()}` +
        (first ? ` (its first snapshot is from ${new Date(first["timestamp-ms"]).toISOString()})` : ""), this.metadata.snapshots.map((s) => s["snapshot-id"]));
    }
    return this.snapshotById(found);
  }

  async manifests(snapshot: Snapshot): Promise<ManifestFile[]> {
    const key = this.locations.keyOf(snapshot["manifest-list"]);
    return this.catalog.readImmutable(key, (bytes) => decodeManifestList(bytes, key));
  }

  /** The snapshot a branch or tag points at. */
  snapshotByRef(ref: string): Snapshot {
    const target = this.metadata.refs?.[ref];
    if (!target) {
      const refs = Object.keys(this.metadata.refs ?? {});
      throw new SnapshotNotFoundError(this.name, `at branch or tag '${ref}'` + (refs.length ? ` (it has ${refs.map((r) => `'${r}'`).join(", ")})` : " (it has no branches or tags)"),
        this.metadata.snapshots.map((s) => s["snapshot-id"]));
    }
    return this.snapshotById(target["snapshot-id"]);
  }

  /**
   * The schema a read of `snapshot` sees: the table's current schema when the snapshot
   * is the current one, else the schema the snapshot was written with (time travel).
   */
  schemaOf(snapshot: Snapshot | undefined): Schema {
    if (!snapshot || snapshot["snapshot-id"] === this.currentSnapshot()?.["snapshot-id"]) return this.schema();
    return this.metadata.schemas.find((s) => s["schema-id"] === snapshot["schema-id"]) ?? this.schema();
  }

  /** Live files of a snapshot, data and delete files (the current one by default; none before the first commit). */
  async liveFiles(snapshot: Snapshot | undefined = this.currentSnapshot()): Promise<DataFile[]> {
    if (!snapshot) return [];
    const schemas = [this.schemaOf(snapshot), ...this.metadata.schemas];
    const lists = await Promise.all((await this.manifests(snapshot)).map((manifest) => {
      const key = this.locations.keyOf(manifest.path);
      return this.catalog.readImmutable(key, async (bytes) => {
        // Paths as they are found now, so that readers need not know the table moved.
        const files = await decodeManifest(bytes, key, manifest, this.metadata["partition-specs"], schemas);
        for (const file of files) {
          const found = this.locations.uriOf(file.path);
          if (found !== file.path) file.recordedPath = file.path;
          file.path = found;
          if (file.referencedDataFile) file.referencedDataFile = this.locations.uriOf(file.referencedDataFile);
        }
        return files;
      });
    }));
    return lists.flat();
  }

  /** Live data files of a snapshot (the current one by default; none before the first commit). */
  async dataFiles(snapshot: Snapshot | undefined = this.currentSnapshot()): Promise<DataFile[]> {
    return (await this.liveFiles(snapshot)).filter((f) => (f.content ?? "data") === "data");
  }

  /** Live delete files of a snapshot: position and equality deletes, deletion vectors. */
  async deleteFiles(snapshot: Snapshot | undefined = this.currentSnapshot()): Promise<DataFile[]> {
    return (await this.liveFiles(snapshot)).filter((f) => (f.content ?? "data") !== "data");
  }

  /** A fresh, unique store key for a new data file. */
  newDataFileKey(partitionPath?: string): string {
    return `${this.rootKey}/data/${partitionPath ? partitionPath + "/" : ""}${randomUUID()}.parquet`;
  }

  async refresh(): Promise<Table> {
    return this.catalog.loadTable(this.name);
  }

  /**
   * Commits a change as a new snapshot. Losing the race for version N+1 rebases on the
   * winner's metadata and tries again, up to `retries` times.
   */
  async commit(change: TableChange, options: CommitOptions = {}): Promise<Table> {
    return this.commitMetadata((base, written) => base.#prepareCommit(change, written, options.ref ?? MAIN), options);
  }

  /**
   * Makes `snapshotId` the table's current snapshot again, as a new metadata version
   * (the snapshots after it stay, so this can be undone the same way).
   */
  async rollbackTo(snapshotId: number, options: { retries?: number } = {}): Promise<Table> {
    return this.commitMetadata(async (base) => {
      base.snapshotById(snapshotId);
      const meta = base.metadata;
      const now = Math.max(Date.now(), meta["last-updated-ms"] + 1);
      return {
        ...meta,
        "last-updated-ms": now,
        "current-snapshot-id": snapshotId,
        refs: { ...meta.refs, main: { "snapshot-id": snapshotId, type: "branch" } },
        "snapshot-log": [...meta["snapshot-log"], { "snapshot-id": snapshotId, "timestamp-ms": now }],
        "metadata-log": [...meta["metadata-log"], { "metadata-file": this.catalog.store.uriOf(base.metadataKey), "timestamp-ms": meta["last-updated-ms"] }],
      };
    }, options);
  }

  /**
   * Publishes the metadata `prepare` makes from the latest version as version N+1, the
   * catalog's one atomic step; losing the race prepares again from the winner's
   * version. `written`: objects `prepare` stored, removed when its version is not used.
   * `prepare` sees the latest version with merges pending on `options.ref` settled.
   */
  async commitMetadata(prepare: (base: Table, written: string[]) => Promise<TableMetadata>, options: CommitOptions = {}): Promise<Table> {
    if (this.readOnly) throw new IcebergError("READ_ONLY", `table '${this.name}' is read-only: ${this.readOnly}`);
    const retries = options.retries ?? 4;
    let base: Table = this;
    for (let attempt = 0; ; attempt++) {
      assertExactIds(this.name, base.metadata);
      const written: string[] = [];
      try {
        const next = await prepare(await settlePending(base, options.ref ?? MAIN, options.pending ?? "abort"), written);
        const key = base.#metadataKeyFor(base.version + 1);
        if (await this.catalog.store.putIfAbsent(key, JSON.stringify(next, null, 2))) {
          await this.catalog.store.put(`${base.rootKey}/metadata/version-hint.text`, String(base.version + 1)).catch(() => {});
          return new Table(this.catalog, this.name, key, base.version + 1, next);
        }
      } catch (err) {
        await this.#removeQuietly(written);
        // A table dropped meanwhile took the files `prepare` read: say that, not which file.
        if (!(await this.catalog.tableExists(this.name).catch(() => true))) await this.catalog.loadTable(this.name);
        throw err;
      }
      await this.#removeQuietly(written); // our manifests reference the stale base
      if (attempt >= retries) throw new CommitConflictError(this.name, base.version + 1, attempt + 1);
      base = await base.refresh();
    }
  }

  #metadataKeyFor(version: number): string {
    return `${this.rootKey}/metadata/v${version}.metadata.json`;
  }

  async #removeQuietly(keys: string[]): Promise<void> {
    await Promise.all(keys.map((k) => this.catalog.store.delete(k).catch(() => {})));
  }

  async #putManifest(write: ManifestWrite, written: string[]): Promise<ManifestFile> {
    const bytes = await encodeManifest(write);
    const key = `${this.rootKey}/metadata/${randomUUID()}-m${written.length}.avro`;
    await this.catalog.store.put(key, bytes);
    written.push(key);
    return manifestFileFor(write, this.catalog.store.uriOf(key), bytes.byteLength);
  }

  async #prepareCommit(change: TableChange, written: string[], ref: string): Promise<TableMetadata> {
    const store = this.catalog.store;
    const meta = this.metadata;
    const parent = this.refSnapshot(ref);
    const snapshotId = newSnapshotId(meta);
    const sequenceNumber = meta["last-sequence-number"] + 1;
    const schema = this.schema();
    const spec = this.partitionSpec();
    const deletes = change.deletes ?? [];
    for (const file of [...change.files, ...deletes]) {
      if (file.specId !== spec["spec-id"]) throw new IcebergError("BAD_COMMIT", `data file ${file.path} belongs to partition spec ${file.specId}, not ${spec["spec-id"]}`);
    }
    const common = { snapshotId, sequenceNumber, spec, schema };
    const manifests: ManifestFile[] = [];
    if (change.files.length > 0) manifests.push(await this.#putManifest({ ...common, files: change.files, status: EntryStatus.Added }, written));
    if (deletes.length > 0) manifests.push(await this.#putManifest({ ...common, files: deletes, status: EntryStatus.Added, content: 1 }, written));
    const previousAll = parent ? await this.liveFiles(parent) : [];
    const previous = previousAll.filter((f) => (f.content ?? "data") === "data");
    if (change.operation === "append") {
      if (parent) manifests.push(...(await this.manifests(parent)));
    } else {
      const previousDeletes = previousAll.filter((f) => (f.content ?? "data") !== "data");
      if (previous.length > 0) manifests.push(await this.#putManifest({ ...common, files: previous, status: EntryStatus.Deleted }, written));
      if (previousDeletes.length > 0) manifests.push(await this.#putManifest({ ...common, files: previousDeletes, status: EntryStatus.Deleted, content: 1 }, written));
    }
    const listBytes = await encodeManifestList(manifests, { id: snapshotId, parentId: parent?.["snapshot-id"], sequenceNumber });
    const listKey = `${this.rootKey}/metadata/snap-${snapshotId}-${randomUUID()}.avro`;
    await store.put(listKey, listBytes);
    written.push(listKey);

    const now = Math.max(Date.now(), meta["last-updated-ms"] + 1);
    const sum = (files: DataFile[], f: (d: DataFile) => number) => files.reduce((s, d) => s + f(d), 0);
    const live = change.operation === "append" ? [...previous, ...change.files] : change.files;
    const snapshot: Snapshot = {
      "snapshot-id": snapshotId,
      ...(parent ? { "parent-snapshot-id": parent["snapshot-id"] } : {}),
      "sequence-number": sequenceNumber,
      "timestamp-ms": now,
      "manifest-list": store.uriOf(listKey),
      summary: {
        operation: change.operation === "replace" || (deletes.length > 0 && change.files.length > 0) ? "overwrite" : deletes.length > 0 ? "delete" : "append",
        ...(deletes.length > 0 ? { "added-delete-files": String(deletes.length) } : {}),
        "added-data-files": String(change.files.length),
        "added-records": String(sum(change.files, (d) => d.recordCount)),
        "added-files-size": String(sum(change.files, (d) => d.fileSizeBytes)),
        ...(change.operation === "replace" ? {
          "deleted-data-files": String(previous.length),
          "deleted-records": String(sum(previous, (d) => d.recordCount)),
        } : {}),
        "total-data-files": String(live.length),
        "total-records": String(sum(live, (d) => d.recordCount)),
        "total-files-size": String(sum(live, (d) => d.fileSizeBytes)),
        ...change.summary,
      },
      "schema-id": schema["schema-id"],
    };
    // Only main moves the current snapshot (and its log); another branch moves its ref.
    const current = ref === MAIN ? {
      "current-snapshot-id": snapshotId,
      "snapshot-log": [...meta["snapshot-log"], { "snapshot-id": snapshotId, "timestamp-ms": now }],
    } : {};
    return {
      ...meta,
      "last-sequence-number": sequenceNumber,
      "last-updated-ms": now,
      ...current,
      refs: { ...meta.refs, [ref]: { "snapshot-id": snapshotId, type: "branch" } },
      snapshots: [...meta.snapshots, snapshot],
      "metadata-log": [...meta["metadata-log"], { "metadata-file": store.uriOf(this.metadataKey), "timestamp-ms": meta["last-updated-ms"] }],
    };
  }
}

/** A positive snapshot id that is unique in the table and exact as a JSON number. */
function newSnapshotId(meta: TableMetadata): number {
  for (;;) {
    const id = Math.floor(Math.random() * 2 ** 52) + 1;
    if (!meta.snapshots.some((s) => s["snapshot-id"] === id)) return id;
  }
}
