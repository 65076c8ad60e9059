// The memory tier: decoded fragments in an LRU bounded by bytes.
import { LRUCache } from "lru-cache";
import type { Fragment } from "./fragment.js";
import type { FragmentKey } from "./fragment-key.js";

export class MemoryTier {
  #lru: LRUCache<FragmentKey, Fragment>;

  constructor(readonly maxBytes: number) {
    this.#lru = new LRUCache<FragmentKey, Fragment>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (f) => Math.max(1, f.bytes) });
  }

  get(key: FragmentKey): Fragment | undefined {
    return this.#lru.get(key);
  }

  has(key: FragmentKey): boolean {
    return this.#lru.has(key);
  }

  /** Keeps the fragment unless it alone is larger than the whole bound. */
  set(fragment: Fragment): void {
    if (fragment.bytes <= this.maxBytes) this.#lru.set(fragment.key, fragment);
  }

  /** Drops the fragments that live in any of `buffers` (memory a model wrote to). */
  deleteSharing(buffers: Set<ArrayBufferLike>): number {
    let dropped = 0;
    for (const [key, fragment] of [...this.#lru.entries()]) {
      const data = fragment.data;
      const views = [data.values, data.valueOffsets, data.nullBitmap, ...(data.dictionary?.data.flatMap((d) => [d.values, d.valueOffsets]) ?? [])] as (ArrayBufferView | undefined)[];
      if (views.some((v) => v && buffers.has(v.buffer))) {
        this.#lru.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  get bytes(): number {
    return this.#lru.calculatedSize;
  }

  get size(): number {
    return this.#lru.size;
  }

  clear(): void {
    this.#lru.clear();
  }
}
