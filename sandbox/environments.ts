// The worker's environments for TypeScript models: from the npm ranges a model asks for
// to a folder its thread imports from. Ranges are resolved once to a lock (kept on
// disk, so the same request never asks the registry again); a lock's environment is
// assembled once by linking from the package store, and two runs needing the same new
// environment share one build.
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { randomUUID } from "node:crypto";
import { assembleEnvironment, COMPLETE_MARKER } from "./assemble-environment.js";
import { EnvironmentError } from "./errors.js";
import { lockId, requestKey, resolveLock, type Lock } from "./lock.js";
import { PackageStore } from "./package-store.js";
import { registryUrl } from "./registry.js";
import { sweepLeftovers } from "./sweep-leftovers.js";

export interface InstallEvent {
  package: string;
  version: string;
  bytes: number;
  ms: number;
  /** True when the package came from the store (no download). */
  cached: boolean;
}

export interface PreparedEnvironment {
  id: string;
  /** The folder whose node_modules the model's imports resolve in. */
  dir: string;
  lock: Lock;
  /** Packages installed for this call (empty when the environment already existed). */
  installs: InstallEvent[];
  /** True when the environment already existed: nothing was resolved, fetched or linked. */
  reused: boolean;
  ms: number;
}

/** `LAKELOOP_PACKAGES`, or `packages/` beside the column cache's folder. */
export function defaultPackagesDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAKELOOP_PACKAGES) return path.resolve(env.LAKELOOP_PACKAGES);
  return path.join(path.dirname(path.resolve(env.LAKELOOP_CACHE ?? "./.lakeloop/cache")), "packages");
}

export class Environments {
  readonly store: PackageStore;
  readonly #building = new Map<string, Promise<PreparedEnvironment>>();
  #swept: Promise<unknown> | undefined;

  constructor(readonly root: string, readonly registry: string = registryUrl()) {
    this.store = new PackageStore(path.join(root, "store"));
  }

  dirOf(id: string): string {
    return path.join(this.root, "environments", id);
  }

  /** The environment for `npm` (name -> version or range), made if it does not exist. */
  async prepare(npm: Record<string, string>, onInstall: (event: InstallEvent) => void = () => {}): Promise<PreparedEnvironment> {
    if (!npm || typeof npm !== "object" || Object.keys(npm).length === 0) throw new EnvironmentError("BAD_RUNTIME", "runtime.npm must name at least one package, e.g. { \"simple-statistics\": \"7.8.3\" }");
    const t0 = performance.now();
    const lock = await this.#lockFor(npm);
    const id = lockId(lock);
    const dir = this.dirOf(id);
    if (existsSync(path.join(dir, COMPLETE_MARKER))) return { id, dir, lock, installs: [], reused: true, ms: performance.now() - t0 };
    let building = this.#building.get(id);
    if (!building) {
      building = this.#build(lock, id, dir, onInstall, t0).finally(() => this.#building.delete(id));
      this.#building.set(id, building);
    }
    return building;
  }

  async #build(lock: Lock, id: string, dir: string, onInstall: (event: InstallEvent) => void, t0: number): Promise<PreparedEnvironment> {
    // Once per instance, before its first install: what killed installs left behind.
    await (this.#swept ??= sweepLeftovers(this.root).catch(() => {}));
    const packages = Object.values(lock.packages);
    const stored = packages.filter((p) => this.store.has(p));
    const installs: InstallEvent[] = stored.map((p) => ({ package: p.name, version: p.version, bytes: 0, ms: 0, cached: true }));
    installs.forEach(onInstall);
    await this.store.add(packages, (f) => {
      const event = { package: f.name, version: f.version, bytes: f.bytes, ms: f.ms, cached: false };
      installs.push(event);
      onInstall(event);
    });
    await assembleEnvironment(this.store, lock, dir);
    return { id, dir, lock, installs, reused: false, ms: performance.now() - t0 };
  }

  /** The lock of a request: resolved against the registry once, then read from disk. */
  async #lockFor(npm: Record<string, string>): Promise<Lock> {
    const file = path.join(this.root, "locks", `${requestKey(npm)}.json`);
    if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as Lock;
    const lock = await resolveLock(npm, this.registry);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomUUID()}`;
    await writeFile(temp, JSON.stringify(lock));
    await rename(temp, file);
    return lock;
  }
}
