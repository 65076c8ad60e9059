// An environment on disk: a folder whose node_modules holds exactly the lock's packages,
// every file a hard link into the package store (nothing copied, nothing downloaded).
// The layout follows pnpm's: each package version sits in .store/<name>@<version>/
// node_modules/<name> beside symlinks to its own dependencies, and the lock's roots are
// symlinked at the top, so Node resolves each package's imports to the versions locked
// for it and two versions of one package can live side by side. Built in a temporary
// folder and renamed into place, so an environment is either whole or absent.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { link, mkdir, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { Lock, LockedPackage } from "./lock.js";
import type { PackageStore } from "./package-store.js";

export const COMPLETE_MARKER = ".lakeloop-environment.json";

async function linkTree(from: string, to: string): Promise<number> {
  await mkdir(to, { recursive: true });
  let files = 0;
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) files += await linkTree(source, target);
    else if (entry.isFile()) {
      await link(source, target);
      files++;
    }
  }
  return files;
}

const slot = (pkg: Pick<LockedPackage, "name" | "version">) => `${pkg.name.replace("/", "+")}@${pkg.version}`;

/** Links the environment for `lock` at `dir` (if absent); returns the number of files linked. */
export async function assembleEnvironment(store: PackageStore, lock: Lock, dir: string): Promise<number> {
  if (existsSync(path.join(dir, COMPLETE_MARKER))) return 0;
  const temp = `${dir}.building-${randomUUID()}`;
  let files = 0;
  try {
    const modules = path.join(temp, "node_modules");
    for (const pkg of Object.values(lock.packages)) {
      const home = path.join(modules, ".store", slot(pkg), "node_modules");
      files += await linkTree(store.pathOf(pkg), path.join(home, pkg.name));
      for (const [dep, version] of Object.entries(pkg.dependencies)) {
        const at = path.join(home, dep);
        await mkdir(path.dirname(at), { recursive: true });
        await symlink(path.relative(path.dirname(at), path.join(modules, ".store", slot({ name: dep, version }), "node_modules", dep)), at);
      }
    }
    for (const [name, version] of Object.entries(lock.roots)) {
      const at = path.join(modules, name);
      await mkdir(path.dirname(at), { recursive: true });
      await symlink(path.relative(path.dirname(at), path.join(modules, ".store", slot({ name, version }), "node_modules", name)), at);
    }
    await writeFile(path.join(temp, COMPLETE_MARKER), JSON.stringify(lock, null, 1));
    await mkdir(path.dirname(dir), { recursive: true });
    await rename(temp, dir).catch((err: NodeJS.ErrnoException) => {
      // Another process finished the same environment first: theirs is identical.
      if (!existsSync(path.join(dir, COMPLETE_MARKER))) throw err;
    });
    return files;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
