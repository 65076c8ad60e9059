// What the disk tier of a cache folder holds: its chunk files (<dir>/<2 hex>/<key>.chunk)
// and their bytes. The worker reports its memory tier; the disk tier of a worker on this
// machine is measured here, from its folder.
import { readdir, stat } from "node:fs/promises";
import * as path from "node:path";

export interface DiskCacheUsage {
  fragments: number;
  bytes: number;
}

/** Undefined when the folder does not exist yet (nothing was ever cached). */
export async function measureDiskCache(dir: string): Promise<DiskCacheUsage | undefined> {
  let shards: string[];
  try {
    shards = await readdir(dir);
  } catch {
    return undefined;
  }
  const usage = { fragments: 0, bytes: 0 };
  for (const shard of shards.filter((s) => /^[0-9a-f]{2}$/.test(s))) {
    const files = await readdir(path.join(dir, shard)).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith(".chunk"))) {
      // A file removed meanwhile (a corrupt one, by the worker) is simply not counted.
      const size = await stat(path.join(dir, shard, file)).then((s) => s.size, () => undefined);
      if (size === undefined) continue;
      usage.fragments++;
      usage.bytes += size;
    }
  }
  return usage;
}
