// What a killed install leaves behind: a staging folder of half-fetched packages
// (store/staging/<id>) or a half-linked environment (environments/<id>.building-<id>).
// Neither is ever read — the store and the environments only count what was renamed into
// place — so they are garbage, removed once they are old enough that no live install
// (in this process or another sharing the folder) can still be writing them.
import { readdir, rm, stat } from "node:fs/promises";
import * as path from "node:path";

export const LEFTOVER_AGE_MS = 60 * 60_000;

async function removeOld(dir: string, matches: (name: string) => boolean, now: number): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!matches(name)) continue;
    const at = path.join(dir, name);
    const info = await stat(at).catch(() => undefined);
    if (!info || now - info.mtimeMs < LEFTOVER_AGE_MS) continue;
    await rm(at, { recursive: true, force: true });
    removed.push(at);
  }
  return removed;
}

/** Removes leftovers of killed installs under an environments root; returns what it removed. */
export async function sweepLeftovers(root: string, now = Date.now()): Promise<string[]> {
  return [
    ...(await removeOld(path.join(root, "store", "staging"), () => true, now)),
    ...(await removeOld(path.join(root, "environments"), (name) => name.includes(".building-"), now)),
  ];
}
