// Parsed footers of data files, kept by file identity: data files are immutable, so a
// footer read once serves every later plan of every snapshot that holds the file.
// The manifest's file size saves a HEAD; when it is wrong the object's own size serves.
import { readFooterFromStore, type Footer } from "../parquet/footer.js";
import type { ObjectStore } from "../store/object-store.js";

const MAX_ENTRIES = 20_000;
const footers = new Map<string, Promise<Footer>>();

export function cachedFooter(store: ObjectStore, key: string, size: number): Promise<Footer> {
  const id = `${store.root}|${key}|${size}`;
  let entry = footers.get(id);
  if (!entry) {
    // A manifest whose recorded size is wrong (some writers' are) costs a HEAD, not the read.
    entry = readFooterFromStore(store, key, size).catch(async (err: unknown) => {
      const actual = (await store.head(key))?.size;
      if (actual === undefined || actual === size) throw err;
      return readFooterFromStore(store, key, actual);
    });
    entry.catch(() => footers.delete(id));
    footers.set(id, entry);
    if (footers.size > MAX_ENTRIES) footers.delete(footers.keys().next().value!);
  }
  return entry;
}
