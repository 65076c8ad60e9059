// A fragment is one column chunk of one row group of one data file; its key is the
// xxhash64 of exactly its identity — object key, the object's etag ("" where the path
// is snapshot-unique, as every lakeloop data file's is), row group, column path and the
// cache format version — so equal identity gives an equal key and nothing else does.
import { hasherNow } from "./hash.js";

/** Bump when the decoded representation changes: old disk fragments stop matching. */
export const FRAGMENT_FORMAT_VERSION = 2;

export interface FragmentIdentity {
  objectKey: string;
  etag: string;
  rowGroup: number;
  column: string;
}

/** 16 hex digits. */
export type FragmentKey = string;

export function fragmentKey(id: FragmentIdentity): FragmentKey {
  // Length-prefixed fields: no two identities can serialize alike.
  const parts = [String(FRAGMENT_FORMAT_VERSION), id.objectKey, id.etag, String(id.rowGroup), id.column];
  return hasherNow().h64ToString(parts.map((p) => `${p.length}:${p}`).join("|"));
}
