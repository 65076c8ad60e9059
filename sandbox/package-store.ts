// The content-addressed package store: each package version's files, unpacked once,
// under the hash of its tarball (its integrity). Environments link to these files and
// never copy them. Adding packages is all-or-nothing: every missing tarball is fetched,
// checked and unpacked in a staging folder first, and only when all succeeded do they
// move into the store (a rename each), so a failed install leaves the store as it was.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";
import { EnvironmentError } from "./errors.js";
import type { LockedPackage } from "./lock.js";
import { fetchTarball } from "./registry.js";

export interface Fetched {
  name: string;
  version: string;
  bytes: number;
  ms: number;
}

/** "sha512-<base64>" -> "sha512-<hex>", a safe folder name. */
function folderOf(integrity: string): string {
  const [algorithm, digest] = integrity.split("-", 2);
  if (!algorithm || !digest) throw new EnvironmentError("BAD_TARBALL", `unusable integrity "${integrity}"`);
  return `${algorithm}-${Buffer.from(digest, "base64").toString("hex")}`;
}

function verify(bytes: Buffer, integrity: string, id: string): void {
  const [algorithm, expected] = integrity.split("-", 2) as [string, string];
  const actual = createHash(algorithm).update(bytes).digest("base64");
  if (actual !== expected) throw new EnvironmentError("BAD_TARBALL", `the tarball of ${id} does not match its integrity ${integrity.slice(0, 20)}…; refusing it`);
}

export class PackageStore {
  constructor(readonly root: string) {}

  /** Where a package's files are (its package.json at the top). */
  pathOf(pkg: LockedPackage): string {
    return path.join(this.root, "files", folderOf(pkg.integrity));
  }

  has(pkg: LockedPackage): boolean {
    return existsSync(path.join(this.pathOf(pkg), "package.json"));
  }

  /** Fetches and unpacks every package not yet stored; all of them or none. */
  async add(packages: LockedPackage[], onFetched: (f: Fetched) => void = () => {}, concurrency = 8): Promise<Fetched[]> {
    const missing = packages.filter((p) => !this.has(p));
    if (missing.length === 0) return [];
    const staging = path.join(this.root, "staging", randomUUID());
    await mkdir(staging, { recursive: true });
    const fetched: Fetched[] = [];
    try {
      let next = 0;
      const work = async () => {
        while (next < missing.length) {
          const pkg = missing[next++]!;
          const t0 = performance.now();
          const id = `${pkg.name}@${pkg.version}`;
          const bytes = await fetchTarball({ version: pkg.version, tarball: pkg.tarball, integrity: pkg.integrity, dependencies: {} }, pkg.name);
          verify(bytes, pkg.integrity, id);
          const into = path.join(staging, folderOf(pkg.integrity));
          await mkdir(into, { recursive: true });
          // npm tarballs hold one top folder (usually "package/"); strip it.
          await pipeline(Readable.from(bytes), tar.x({ cwd: into, strip: 1, noChmod: false }));
          if (!existsSync(path.join(into, "package.json"))) throw new EnvironmentError("BAD_TARBALL", `the tarball of ${id} has no package.json`);
          const f = { name: pkg.name, version: pkg.version, bytes: bytes.length, ms: performance.now() - t0 };
          fetched.push(f);
          onFetched(f);
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, missing.length) }, work));
      await mkdir(path.join(this.root, "files"), { recursive: true });
      for (const pkg of missing) {
        const target = this.pathOf(pkg);
        if (this.has(pkg)) continue; // another install stored it meanwhile: same content
        await rename(path.join(staging, folderOf(pkg.integrity)), target).catch(async (err: NodeJS.ErrnoException) => {
          if (!this.has(pkg)) throw err;
        });
      }
      return fetched;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}
