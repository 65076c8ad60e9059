// `lakeloop register`: a table that lives anywhere (another bucket, another engine's
// warehouse, a mounted folder) known to the lake by a pointer object
// <ns>/<table>/registered.json. The pointer names either one metadata JSON file (that
// version, pinned) or the table's folder (its newest metadata each time it is loaded,
// so commits by the owning engine show up). Registered tables are read-only.
import type { ObjectStore } from "../store/object-store.js";
import { CorruptMetadataError, IcebergError, TableExistsError } from "./errors.js";
import { newestMetadataIn, parseMetadataFileName, POINTER_FILE, type MetadataFile } from "./find-metadata.js";
import { parseTableName, qualifiedName } from "./names.js";
import { parseTableMetadata } from "./read-metadata.js";

interface Pointer {
  "metadata-location": string;
  "registered-ms": number;
}

/** The metadata file `uri` names: the file itself, or the newest one of a table folder. */
export async function metadataFileAt(store: ObjectStore, uri: string): Promise<MetadataFile> {
  const key = store.keyOf(uri);
  const file = key.slice(key.lastIndexOf("/") + 1);
  if (file.endsWith(".metadata.json") || file.endsWith(".metadata.json.gz")) {
    const parsed = parseMetadataFileName(file) ?? { version: 0, naming: "numbered" as const };
    return { key, lastModified: new Date(0), ...parsed };
  }
  const newest = await newestMetadataIn(store, key);
  if (!newest) {
    throw new IcebergError("NO_METADATA", `no Iceberg table at '${uri}': found no metadata/vN.metadata.json or metadata/NNNNN-<uuid>.metadata.json there; ` +
      "give the URI of a metadata JSON file or of the table's folder");
  }
  return newest;
}

/** The metadata file a pointer object names, resolved now. */
export async function metadataOfPointer(store: ObjectStore, pointerKey: string): Promise<{ file: MetadataFile; from: string }> {
  let pointer: Pointer;
  try {
    pointer = JSON.parse(new TextDecoder().decode(await store.get(pointerKey))) as Pointer;
  } catch (err) {
    throw new CorruptMetadataError(store.uriOf(pointerKey), (err as Error).message);
  }
  if (typeof pointer["metadata-location"] !== "string") throw new CorruptMetadataError(store.uriOf(pointerKey), "it names no metadata-location");
  return { file: await metadataFileAt(store, pointer["metadata-location"]), from: pointer["metadata-location"] };
}

/**
 * Registers the table at `uri` under `name` after reading its metadata once (so a
 * typo fails now, not at the first query). `exists` says whether the name is taken.
 */
export async function registerTable(store: ObjectStore, name: string, uri: string, exists: (name: string) => Promise<boolean>): Promise<string> {
  const ident = parseTableName(name);
  const qualified = qualifiedName(ident);
  if (await exists(qualified)) throw new TableExistsError(qualified);
  const file = await metadataFileAt(store, uri);
  parseTableMetadata(await store.get(file.key), store.uriOf(file.key));
  const pointer: Pointer = { "metadata-location": uri, "registered-ms": Date.now() };
  if (!(await store.putIfAbsent(`${ident.namespace}/${ident.table}/${POINTER_FILE}`, JSON.stringify(pointer, null, 2) + "\n"))) {
    throw new TableExistsError(qualified);
  }
  return qualified;
}
