// Before a command opens a local lake: a folder that cannot hold one (a file, a folder
// without permission, a system folder like /proc, where listing never ends) is refused
// at once, and a lake that does not exist is created only by the commands that make
// one (sample, import, tour, and the default lake's first use) — a mistyped path for
// reading says where it looked instead of answering "no tables yet" over a new folder.
import { constants, type Stats } from "node:fs";
import { access, stat, statfs } from "node:fs/promises";
import * as path from "node:path";
import { localLakeDir } from "../lake/store/open-store.js";

export class LakeLocationError extends Error {
  override name = "LakeLocationError";
  constructor(readonly code: "LAKE_MISSING" | "LAKE_UNUSABLE", message: string) {
    super(message);
  }
}

// statfs magic numbers of kernel file systems that mirror live state, not files.
const SYSTEM_FILE_SYSTEMS = new Map([[0x9fa0, "/proc"], [0x62656572, "sysfs"], [0x63677270, "cgroup"], [0x27e0eb, "cgroup"], [0x64626720, "debugfs"]]);

async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new LakeLocationError("LAKE_UNUSABLE", `cannot use ${file} as a lake: ${(err as Error).message}`);
  }
}

/** The folder itself or, when it does not exist, the closest parent that does. */
async function closestExisting(dir: string): Promise<{ dir: string; stats: Stats }> {
  for (let d = dir; ; d = path.dirname(d)) {
    const stats = await statOrUndefined(d);
    if (stats) return { dir: d, stats };
    if (path.dirname(d) === d) throw new LakeLocationError("LAKE_UNUSABLE", `cannot use ${dir} as a lake: no part of the path exists`);
  }
}

/**
 * Throws a LakeLocationError unless the lake at `uri` can be used: `mayCreate` says the
 * command may create it. Object-store lakes (s3://) are checked by their store.
 */
export async function checkLakeLocation(uri: string, mayCreate: boolean): Promise<void> {
  const dir = localLakeDir(uri);
  if (dir === undefined) return;
  const unusable = (why: string) => new LakeLocationError("LAKE_UNUSABLE", `cannot use ${dir} as a lake: ${why}`);
  const existing = await closestExisting(dir);
  // /dev holds devices, except /dev/shm (memory-backed files, a fine scratch lake).
  const device = /^\/dev(\/|$)/.test(existing.dir) && !/^\/dev\/shm(\/|$)/.test(existing.dir);
  const system = SYSTEM_FILE_SYSTEMS.get((await statfs(existing.dir)).type) ?? (device ? "/dev" : undefined);
  if (system) throw unusable(`it is in a system folder (${system}), not on a disk`);
  if (!existing.stats.isDirectory()) throw unusable(`${existing.dir} is ${existing.stats.isFile() ? "a file" : "not a folder"}`);
  const exists = existing.dir === dir;
  if (!exists && !mayCreate) {
    throw new LakeLocationError("LAKE_MISSING", `no lake at ${dir}: the folder does not exist (check --lake or LAKELOOP_LAKE; 'lakeloop sample' or 'lakeloop import' create a lake)`);
  }
  // Reading needs read and search permission; creating, or writing into it, also write.
  try {
    await access(existing.dir, constants.R_OK | constants.X_OK | (mayCreate || !exists ? constants.W_OK : 0));
  } catch {
    throw unusable(`no permission to ${mayCreate ? "write" : "read"} ${existing.dir}`);
  }
}
