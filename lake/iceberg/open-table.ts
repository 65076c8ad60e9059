// A found table opened: its current metadata read, and whether lakeloop may commit to
// it. lakeloop commits by writing vN+1.metadata.json put-if-absent, which is safe only
// for format-v2 tables in that layout inside the lake; every other table is read-only,
// and says why.
import type { ObjectStore } from "../store/object-store.js";
import { IcebergError } from "./errors.js";
import type { FoundTable, MetadataFile } from "./find-metadata.js";
import { parseTableMetadata } from "./read-metadata.js";
import { metadataOfPointer } from "./registered.js";
import { Table, type TableCatalog } from "./table.js";

export async function openFoundTable(catalog: TableCatalog, found: FoundTable): Promise<Table> {
  const store = catalog.store;
  let file: MetadataFile;
  let readOnly: string | undefined;
  if (found.pointerKey) {
    const pointed = await metadataOfPointer(store, found.pointerKey);
    file = pointed.file;
    readOnly = `it is registered from ${pointed.from}, and registered tables are read-only`;
  } else {
    file = found.metadata!;
    if (file.naming === "numbered") readOnly = `its metadata (${file.key.slice(file.key.lastIndexOf("/") + 1)}) follows another catalog's naming, whose commits go through that catalog`;
  }
  const metadata = parseTableMetadata(await store.get(file.key), store.uriOf(file.key));
  if (!readOnly && metadata["format-version"] !== 2) readOnly = `it is an Iceberg format v${metadata["format-version"]} table; lakeloop commits to v2 tables only`;
  return new Table(catalog, found.name, file.key, file.version, metadata, readOnly);
}

/**
 * Before a drop: a registered table loses only its pointer (true: done); another
 * read-only table is refused, since its files belong to the engine that wrote it.
 */
export async function dropPointerOrRefuse(store: ObjectStore, found: FoundTable | undefined, table: Table): Promise<boolean> {
  if (found?.pointerKey) {
    await store.delete(found.pointerKey);
    return true;
  }
  if (table.readOnly) {
    throw new IcebergError("READ_ONLY", `lakeloop does not drop table '${table.name}': ${table.readOnly}; its files at ${table.location} are left alone`);
  }
  return false;
}
