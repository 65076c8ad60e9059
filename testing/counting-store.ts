// Test helper: an ObjectStore wrapper that counts the bytes and requests of reads of
// data files (keys under a table's data/ folder; metadata reads are not counted), to
// check what the cache fetched from outside the cache's own statistics.
import type { ByteRange, ObjectStore } from "../lake/store/object-store.js";

export interface CountingStore extends ObjectStore {
  counts: { gets: number; bytes: number; keys: Set<string> };
  reset(): void;
}

export function countingStore(inner: ObjectStore): CountingStore {
  const counts = { gets: 0, bytes: 0, keys: new Set<string>() };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "counts") return counts;
      if (prop === "reset") return () => { counts.gets = 0; counts.bytes = 0; counts.keys.clear(); };
      if (prop === "get") {
        return async (key: string, range?: ByteRange) => {
          const bytes = await target.get(key, range);
          if (!key.includes("/data/")) return bytes;
          counts.gets++;
          counts.bytes += bytes.byteLength;
          counts.keys.add(key);
          return bytes;
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as CountingStore;
}
