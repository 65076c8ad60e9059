// What the disk tier's folder holds: its chunk files (<dir>/<2 hex>/<key>.chunk) and
// their bytes, measured from the folder (the tier writes off the critical path and keeps
// no count), for the worker's status.
import { readdir, stat } from "node:fs/promises";
import * as path from "node:path";

export interface DiskUsage {
  fragments: number;
  bytes: number;
}

/** Undefined when the folder does not exist yet (nothing was ever cached). */
export async function measureDiskUsage(dir: string): Promise<DiskUsage | undefined> {
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
