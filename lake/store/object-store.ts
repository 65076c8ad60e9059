// The one interface to object storage. Keys are relative to the store's root URI
// ("warehouse/ns/t/metadata/v1.metadata.json"); `uriOf`/`keyOf` map to and from the
// absolute URIs that Iceberg metadata records.

export interface ObjectInfo {
  key: string;
  size: number;
  /** Opaque version tag: the S3 ETag, or for files a hash of size and mtime. */
  etag: string;
  lastModified: Date;
}

export interface ByteRange {
  offset: number;
  length: number;
}

export interface ObjectStore {
  /** Root URI of this store, e.g. `file:///abs/lake` or `s3://bucket/prefix`. */
  readonly root: string;
  /** Reads the whole object, or exactly `range`. Throws ObjectNotFoundError if missing. */
  get(key: string, range?: ByteRange): Promise<Uint8Array>;
  /** Size and etag, or undefined if the object does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Writes atomically: readers see the old object or the whole new one. */
  put(key: string, body: Uint8Array | string): Promise<ObjectInfo>;
  /** Uploads a local file (multipart for large objects on S3). */
  putFile(key: string, localPath: string): Promise<ObjectInfo>;
  /**
   * Writes only if no object exists at `key`; of two racing writers exactly one gets
   * true. The basis of atomic Iceberg commits.
   */
  putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean>;
  /** All objects whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deletes the object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Absolute URI of a key. */
  uriOf(key: string): string;
  /** Key of an absolute URI under this store's root; throws if the URI is elsewhere. */
  keyOf(uri: string): string;
  /** Releases connections. */
  close(): Promise<void>;
}
