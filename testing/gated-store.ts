// Test harness: an object store that holds one conditional write at a gate until the
// test releases it, so a test can put another writer exactly between two steps of a
// commit or a merge (no sleeps: the test waits on `reached`).
import type { ObjectStore } from "../lake/store/object-store.js";

export interface Gate {
  /** The same store, another object (so it has its own caches, like another process). */
  store: ObjectStore;
  /** Resolves when a put-if-absent of a matching key is waiting at the gate. */
  reached: Promise<string>;
  /** Lets the held write (and every later one) through. */
  release(): void;
}

export function gateStore(store: ObjectStore, holds: (key: string) => boolean): Gate {
  let reach!: (key: string) => void;
  let open!: () => void;
  const reached = new Promise<string>((resolve) => { reach = resolve; });
  const opened = new Promise<void>((resolve) => { open = resolve; });
  let held = false;
  const gated = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "putIfAbsent") {
        return async (key: string, body: Uint8Array | string) => {
          if (!held && holds(key)) {
            held = true;
            reach(key);
            await opened;
          }
          return target.putIfAbsent(key, body);
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: gated, reached, release: open };
}
