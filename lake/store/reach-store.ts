// The lake's store, reaching past its root. Keys under the lake's root stay relative
// ("ns/t/data/f.parquet"); any other object is addressed by its absolute URI as its key
// ("s3://other-bucket/t/data/f.parquet", "file:///mnt/t/metadata/v2.metadata.json") and
// read through a store opened for that bucket, or for the local file system, on first
// use. Tables other engines wrote, registered tables and REST-catalog tables live there.
import { StoreError } from "./errors.js";
import { FileStore } from "./file-store.js";
import { isAbsoluteUri, normalizeUri } from "./normalize-uri.js";
import type { ByteRange, ObjectInfo, ObjectStore } from "./object-store.js";
import { s3OptionsFrom } from "./open-store.js";
import { S3Store, type S3StoreOptions } from "./s3-store.js";

interface Mount {
  prefix: string;
  options: Partial<S3StoreOptions>;
  store?: S3Store;
}

export class ReachStore implements ObjectStore {
  /** Stores of other places, by their root: "s3://bucket" or "file:///". */
  readonly #others = new Map<string, ObjectStore>();
  /** S3 settings for objects under a prefix (a REST catalog's per-table credentials), longest first. */
  #mounts: Mount[] = [];

  private constructor(readonly lake: ObjectStore, private readonly env: NodeJS.ProcessEnv) {}

  /** Wraps `lake` once: a ReachStore passed again is returned as it is. */
  static of(lake: ObjectStore, env: NodeJS.ProcessEnv = process.env): ReachStore {
    return lake instanceof ReachStore ? lake : new ReachStore(lake, env);
  }

  get root(): string {
    return this.lake.root;
  }

  /** Objects under `prefix` (an s3:// URI) are read with these S3 settings instead of the environment's. */
  mount(prefix: string, options: Partial<S3StoreOptions>): void {
    const normalized = normalizeUri(prefix);
    this.#mounts = [...this.#mounts.filter((m) => m.prefix !== normalized), { prefix: normalized, options }]
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  keyOf(uri: string): string {
    const normalized = normalizeUri(uri);
    try {
      return this.lake.keyOf(normalized);
    } catch (err) {
      if (!(err instanceof StoreError && err.code === "FOREIGN_URI") || !isAbsoluteUri(normalized)) throw err;
      return normalized;
    }
  }

  uriOf(key: string): string {
    return isAbsoluteUri(key) ? key : this.lake.uriOf(key);
  }

  /** The store that holds `key` and the key inside it. */
  #route(key: string): { store: ObjectStore; key: string } {
    if (!isAbsoluteUri(key)) return { store: this.lake, key };
    const store = this.#storeFor(key);
    return { store, key: store.keyOf(key) };
  }

  #storeFor(uri: string): ObjectStore {
    const mount = this.#mounts.find((m) => uri.startsWith(m.prefix.endsWith("/") ? m.prefix : m.prefix + "/"));
    const bucket = /^s3:\/\/([^/]+)/.exec(uri)?.[1];
    if (mount && bucket) {
      mount.store ??= new S3Store({ ...this.#s3Defaults(bucket), ...mount.options, bucket, prefix: "" });
      return mount.store;
    }
    const root = bucket ? `s3://${bucket}` : uri.startsWith("file:///") ? "file:///" : undefined;
    if (!root) {
      throw new StoreError("UNSUPPORTED_LOCATION", `cannot read '${uri}': lakeloop reads s3://, s3a://, s3n:// and file:// locations`);
    }
    let store = this.#others.get(root);
    if (!store) {
      store = bucket ? new S3Store({ ...this.#s3Defaults(bucket), bucket, prefix: "" }) : new FileStore("/");
      this.#others.set(root, store);
    }
    return store;
  }

  /** Another bucket is reached like the lake's: same endpoint, region and credentials. */
  #s3Defaults(bucket: string): S3StoreOptions {
    return this.lake instanceof S3Store ? { ...this.lake.options, bucket, prefix: "" } : s3OptionsFrom(`s3://${bucket}`, this.env);
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const r = this.#route(key);
    return r.store.get(r.key, range);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const r = this.#route(key);
    const info = await r.store.head(r.key);
    return info && { ...info, key };
  }

  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    const r = this.#route(key);
    return { ...(await r.store.put(r.key, body)), key };
  }

  async putFile(key: string, localPath: string): Promise<ObjectInfo> {
    const r = this.#route(key);
    return { ...(await r.store.putFile(r.key, localPath)), key };
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const r = this.#route(key);
    return r.store.putIfAbsent(r.key, body);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    if (!isAbsoluteUri(prefix)) return this.lake.list(prefix);
    const store = this.#storeFor(prefix);
    // keyOf drops a trailing slash on file:// URIs; keep "dir/" a folder, not a name prefix.
    const inner = store.keyOf(prefix) + (prefix.endsWith("/") && !store.keyOf(prefix).endsWith("/") ? "/" : "");
    return (await store.list(inner)).map((info) => ({ ...info, key: store.uriOf(info.key) }));
  }

  async delete(key: string): Promise<void> {
    const r = this.#route(key);
    return r.store.delete(r.key);
  }

  /** Closes the stores this one opened; the lake's store belongs to whoever opened it. */
  async close(): Promise<void> {
    const opened = [...this.#others.values(), ...this.#mounts.flatMap((m) => (m.store ? [m.store] : []))];
    this.#others.clear();
    for (const m of this.#mounts) m.store = undefined;
    await Promise.all(opened.map((s) => s.close()));
  }
}
