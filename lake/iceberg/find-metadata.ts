// Finding tables in a lake folder and the current metadata file of each, whichever
// engine wrote them:
//   <ns>/<table>/metadata/vN.metadata.json            lakeloop, Spark/Flink Hadoop catalog
//   <ns>/<table>/metadata/NNNNN-<uuid>.metadata.json  Glue, Hive, Athena, Trino, PyIceberg
//   <ns>.db/<table>/…                                 a Hive warehouse's database folders
//   <table>/metadata/…                                a table at the lake's top (namespace default)
//   <ns>/<table>/registered.json                      a pointer kept by `lakeloop register`
// The newest metadata is the highest number (vN or NNNNN), then the latest written; a
// table whose newest vN has a `dropped-vN` marker was dropped by lakeloop (catalog.ts).
// version-hint.text (Hadoop's pointer) is read only where the folder cannot be listed.
import { CredentialsError } from "../store/errors.js";
import type { ObjectInfo, ObjectStore } from "../store/object-store.js";
import { DEFAULT_NAMESPACE, parseTableName, qualifiedName, type TableIdent } from "./names.js";

export const POINTER_FILE = "registered.json";

export interface MetadataFile {
  key: string;
  version: number;
  /** "vN": lakeloop's own commit protocol applies; "numbered": another catalog's naming. */
  naming: "vN" | "numbered";
  lastModified: Date;
}

export interface FoundTable {
  name: string;
  /** The current metadata file, for a table whose folder is in the lake. */
  metadata?: MetadataFile;
  /** Key of the `lakeloop register` pointer, for a registered table. */
  pointerKey?: string;
}

const VERSIONED = /^v(\d+)(?:\.gz)?\.metadata\.json(?:\.gz)?$/;
const DROPPED = /^dropped-v(\d+)$/;
const NUMBERED = /^(\d+)-[^/]+?(?:\.gz)?\.metadata\.json(?:\.gz)?$/;

export function parseMetadataFileName(file: string): Pick<MetadataFile, "version" | "naming"> | undefined {
  const v = VERSIONED.exec(file);
  if (v) return { version: Number(v[1]), naming: "vN" };
  const n = NUMBERED.exec(file);
  return n ? { version: Number(n[1]), naming: "numbered" } : undefined;
}

function newer(a: MetadataFile | undefined, b: MetadataFile): MetadataFile {
  if (!a) return b;
  if (a.version !== b.version) return a.version > b.version ? a : b;
  return a.lastModified >= b.lastModified ? a : b;
}

/** The newest metadata file among objects of one metadata folder; none when that version is dropped. */
export function newestMetadata(objects: ObjectInfo[]): MetadataFile | undefined {
  let best: MetadataFile | undefined;
  const dropped = new Set<number>();
  for (const object of objects) {
    const file = object.key.slice(object.key.lastIndexOf("/") + 1);
    const parsed = parseMetadataFileName(file);
    if (parsed) best = newer(best, { key: object.key, lastModified: object.lastModified, ...parsed });
    const marker = DROPPED.exec(file);
    if (marker) dropped.add(Number(marker[1]));
  }
  return best && best.naming === "vN" && dropped.has(best.version) ? undefined : best;
}

/** Where a table of this name may live, most lakeloop-like first. */
function foldersOf(ident: TableIdent): string[] {
  const folders = [`${ident.namespace}/${ident.table}`, `${ident.namespace}.db/${ident.table}`];
  if (ident.namespace === DEFAULT_NAMESPACE) folders.push(ident.table);
  return folders;
}

/** The qualified name a listed key belongs to, and whether it is metadata or a pointer. */
function classify(key: string): { name: string; rank: number; file: string; pointer: boolean } | undefined {
  const parts = key.split("/");
  let ns: string, table: string, rank: number;
  if (parts.length === 3 && parts[2] === POINTER_FILE) {
    return nameOf(parts[0]!, parts[1]!, 1, parts[2]!, true);
  } else if (parts.length === 4 && parts[2] === "metadata") {
    [ns, table] = [parts[0]!, parts[1]!];
    rank = ns.endsWith(".db") ? 2 : 0;
    if (ns.endsWith(".db")) ns = ns.slice(0, -3);
  } else if (parts.length === 3 && parts[1] === "metadata") {
    [ns, table, rank] = [DEFAULT_NAMESPACE, parts[0]!, 3];
  } else {
    return undefined;
  }
  return nameOf(ns, table, rank, parts[parts.length - 1]!, false);
}

function nameOf(ns: string, table: string, rank: number, file: string, pointer: boolean) {
  try {
    return { name: qualifiedName(parseTableName(`${ns}.${table}`)), rank, file, pointer };
  } catch {
    return undefined; // a folder whose name is no table name lakeloop can address
  }
}

/** Every live table in a listing of the lake (or of one namespace's prefix). */
export function tablesIn(objects: ObjectInfo[]): Map<string, FoundTable> {
  // Each name's candidate places, by rank, with the objects found there.
  const places = new Map<string, Map<number, { pointerKey?: string; objects: ObjectInfo[] }>>();
  for (const object of objects) {
    const c = classify(object.key);
    if (!c) continue;
    const byRank = places.get(c.name) ?? new Map<number, { pointerKey?: string; objects: ObjectInfo[] }>();
    const place = byRank.get(c.rank) ?? { objects: [] };
    if (c.pointer) place.pointerKey = object.key;
    else place.objects.push(object);
    byRank.set(c.rank, place);
    places.set(c.name, byRank);
  }
  const out = new Map<string, FoundTable>();
  for (const [name, byRank] of [...places].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const rank of [...byRank.keys()].sort()) {
      const place = byRank.get(rank)!;
      const metadata = place.pointerKey ? undefined : newestMetadata(place.objects);
      if (place.pointerKey || metadata) {
        out.set(name, place.pointerKey ? { name, pointerKey: place.pointerKey } : { name, metadata });
        break;
      }
    }
  }
  return out;
}

/** One table by name: its own folder first, then a pointer, a Hive `.db` folder, the lake's top. */
export async function findTable(store: ObjectStore, ident: TableIdent): Promise<FoundTable | undefined> {
  const name = qualifiedName(ident);
  const [own, ...others] = foldersOf(ident);
  const metadata = newestMetadata(await store.list(`${own}/metadata/`));
  if (metadata) return { name, metadata };
  const pointerKey = `${own}/${POINTER_FILE}`;
  if (await store.head(pointerKey)) return { name, pointerKey };
  for (const folder of others) {
    const found = newestMetadata(await store.list(`${folder}/metadata/`));
    if (found) return { name, metadata: found };
  }
  return undefined;
}

/**
 * The newest metadata file of the table folder `folder` (a key or an absolute URI).
 * Where listing is refused (read-only credentials without s3:ListBucket), Hadoop's
 * version-hint.text names the version instead.
 */
export async function newestMetadataIn(store: ObjectStore, folder: string): Promise<MetadataFile | undefined> {
  const prefix = `${folder.replace(/\/+$/, "")}/metadata/`;
  try {
    return newestMetadata(await store.list(prefix));
  } catch (err) {
    if (!(err instanceof CredentialsError)) throw err;
    const hint = await store.get(`${prefix}version-hint.text`).then((b) => new TextDecoder().decode(b).trim(), () => undefined);
    if (hint === undefined) throw err;
    const file = /^\d+$/.test(hint) ? `v${hint}.metadata.json` : hint.slice(hint.lastIndexOf("/") + 1);
    const parsed = parseMetadataFileName(file);
    return parsed && { key: `${prefix}${file}`, lastModified: new Date(0), ...parsed };
  }
}
