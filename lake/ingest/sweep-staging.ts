// What a killed write leaves behind: its local staging folder of Parquet files
// (<tmp>/lakeloop-write-<pid>-XXXXXX; one held 2.5 MB). Nothing reads them after the
// writer dies, so the first write of every process removes those whose writer is no
// longer running and that are old enough (an hour) that a writer in another process
// namespace sharing the folder, whose pid we cannot see, is done with them.
import { readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const STAGING_PREFIX = "lakeloop-write-";
export const LEFTOVER_AGE_MS = 60 * 60_000;

/** The staging folder prefix of this process: the pid tells a sweeper whether its writer lives. */
export function stagingPrefix(): string {
  return path.join(tmpdir(), `${STAGING_PREFIX}${process.pid}-`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** Removes leftover staging folders under `dir`; returns what it removed. */
export async function sweepStaging(dir = tmpdir(), now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    // Folders of older versions carry no pid: age alone decides.
    const pid = Number(/^lakeloop-write-(\d+)-/.exec(name)?.[1]);
    if (pid && isRunning(pid)) continue;
    const at = path.join(dir, name);
    const info = await stat(at).catch(() => undefined);
    if (!info?.isDirectory() || now - info.mtimeMs < LEFTOVER_AGE_MS) continue;
    await rm(at, { recursive: true, force: true }).catch(() => {});
    removed.push(at);
  }
  return removed;
}

let swept: Promise<unknown> | undefined;

/** Sweeps once per process, before its first write. */
export function sweepStagingOnce(): Promise<unknown> {
  swept ??= sweepStaging().catch(() => []);
  return swept;
}
