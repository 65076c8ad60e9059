// Where a table's files are. Metadata records absolute URIs (s3a://…, file:/…) as the
// writing engine saw them, below the table's recorded `location`. The table's root is
// the folder its metadata folder was found in, so a table found elsewhere than it was
// written (copied, mounted, another bucket name or endpoint) reads the same files at
// the same paths relative to that root. Every file lake/iceberg reads by a recorded URI
// is addressed through `TableLocations.keyOf`.
import { normalizeUri, withoutTrailingSlash } from "../store/normalize-uri.js";
import type { ObjectStore } from "../store/object-store.js";
import type { TableMetadata } from "./types.js";

const folderOf = (uri: string) => uri.slice(0, uri.lastIndexOf("/"));

export class TableLocations {
  /** Store key of the table's root folder, where its files actually are. */
  readonly rootKey: string;
  /** The recorded location, normalized, when files are addressed relative to it. */
  readonly #recorded: string | undefined;

  constructor(private readonly store: ObjectStore, metadata: TableMetadata, metadataKey: string) {
    const location = withoutTrailingSlash(normalizeUri(metadata.location));
    const below = metadataFolderBelow(metadata, location);
    const folderKey = folderOf(metadataKey);
    if (below !== undefined && folderKey.length > below.length && folderKey.endsWith(below)) {
      // The table's root is where its metadata folder is found, wherever it was written.
      this.rootKey = folderKey.slice(0, -below.length);
      this.#recorded = location;
    } else {
      // Metadata kept apart from the table's folder: only the recorded URIs say where files are.
      this.rootKey = store.keyOf(location);
      this.#recorded = undefined;
    }
  }

  /** Store key of a file the table's metadata names. */
  keyOf(uri: string): string {
    const normalized = normalizeUri(uri);
    if (this.#recorded !== undefined && normalized.startsWith(this.#recorded + "/")) {
      return `${this.rootKey}/${relativePart(uri, normalized.slice(this.#recorded.length + 1))}`;
    }
    return this.store.keyOf(normalized);
  }

  /** The URI where a recorded file actually is, in the store's spelling (s3a:// becomes s3://). */
  uriOf(uri: string): string {
    return this.store.uriOf(this.keyOf(uri));
  }
}

/** Where metadata files sit below the table's location ("/metadata" unless write.metadata.path moves them). */
function metadataFolderBelow(metadata: TableMetadata, location: string): string | undefined {
  const configured = metadata.properties["write.metadata.path"];
  if (!configured) return "/metadata";
  const folder = withoutTrailingSlash(normalizeUri(configured));
  return folder.startsWith(location + "/") ? folder.slice(location.length) : undefined;
}

/**
 * The path below the table's location as an object key. `file:///` URIs are URLs
 * (percent-encoded, as lakeloop writes them); Hadoop's `file:/` and S3 URIs are raw.
 */
function relativePart(original: string, rest: string): string {
  if (!/^file:\/\/\//i.test(original.trim())) return rest;
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}
