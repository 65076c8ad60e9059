// xxhash64 (xxhash-wasm), loaded once: fragment keys and disk checksums.
import xxhash from "xxhash-wasm";

type Hasher = Awaited<ReturnType<typeof xxhash>>;
let hasher: Hasher | undefined;
const loading = xxhash().then((h) => (hasher = h));

export async function loadHasher(): Promise<Hasher> {
  return hasher ?? loading;
}

/** The loaded hasher; call `loadHasher()` once before. */
export function hasherNow(): Hasher {
  if (!hasher) throw new Error("xxhash is not loaded yet: await loadHasher() first");
  return hasher;
}
