// An environment's exact lock: every package it holds at one version, with its tarball,
// integrity and its own dependencies pinned. Resolved once from the ranges a model asks
// for; the environment's id is a hash of the lock, so equal locks share one environment.
import { createHash } from "node:crypto";
import semver from "semver";
import { EnvironmentError } from "./errors.js";
import { fetchPackument, type Packument } from "./registry.js";

export interface LockedPackage {
  name: string;
  version: string;
  integrity: string;
  tarball: string;
  /** Dependency name -> the exact version locked for it. */
  dependencies: Record<string, string>;
}

export interface Lock {
  /** What the model imports: name -> exact version. */
  roots: Record<string, string>;
  /** "name@version" -> the package. */
  packages: Record<string, LockedPackage>;
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

export function lockId(lock: Lock): string {
  return createHash("sha256").update(canonical(lock)).digest("hex").slice(0, 20);
}

/** The key of a request (the ranges a model asks for), for the resolved-once lock cache. */
export function requestKey(npm: Record<string, string>): string {
  return createHash("sha256").update(canonical(npm)).digest("hex").slice(0, 20);
}

function pickVersion(doc: Packument, range: string, wantedBy: string): string {
  const latest = doc.latest;
  if (latest && (range === "latest" || range === "*" || range === "") && doc.versions.has(latest)) return latest;
  if (!semver.validRange(range)) {
    throw new EnvironmentError("NO_MATCHING_VERSION", `"${range}" is not a version or range of npm package "${doc.name}" (${wantedBy})`);
  }
  if (latest && semver.satisfies(latest, range)) return latest;
  const found = semver.maxSatisfying([...doc.versions.keys()], range);
  if (!found) throw new EnvironmentError("NO_MATCHING_VERSION", `no version of npm package "${doc.name}" matches "${range}" (${wantedBy}); latest is ${latest ?? "unknown"}`);
  return found;
}

/** Resolves ranges to an exact lock, walking `dependencies` (peer and optional ones are not installed). */
export async function resolveLock(npm: Record<string, string>, registry: string): Promise<Lock> {
  const documents = new Map<string, Promise<Packument>>();
  const packument = (name: string) => {
    if (!documents.has(name)) documents.set(name, fetchPackument(registry, name));
    return documents.get(name)!;
  };
  const lock: Lock = { roots: {}, packages: {} };
  const resolved = new Map<string, string>(); // "name@range" -> version

  async function visit(name: string, range: string, wantedBy: string): Promise<string> {
    const key = `${name}@${range}`;
    const known = resolved.get(key);
    if (known) return known;
    const doc = await packument(name);
    const version = pickVersion(doc, range, wantedBy);
    resolved.set(key, version);
    const id = `${name}@${version}`;
    if (lock.packages[id]) return version;
    const info = doc.versions.get(version)!;
    const entry: LockedPackage = { name, version, integrity: info.integrity, tarball: info.tarball, dependencies: {} };
    lock.packages[id] = entry;
    const deps = Object.entries(info.dependencies);
    const versions = await Promise.all(deps.map(([dep, depRange]) => visit(dep, depRange, `a dependency of ${id}`)));
    deps.forEach(([dep], i) => { entry.dependencies[dep] = versions[i]!; });
    return version;
  }

  for (const [name, range] of Object.entries(npm)) {
    if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name)) throw new EnvironmentError("BAD_RUNTIME", `"${name}" is not an npm package name (runtime.npm)`);
    lock.roots[name] = await visit(name, String(range), "runtime.npm");
  }
  return lock;
}
