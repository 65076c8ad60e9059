// The npm registry as the store sees it: a package's versions (the abbreviated
// metadata document) and a version's tarball bytes, each checked and retried.
import { EnvironmentError } from "./errors.js";

export interface VersionInfo {
  version: string;
  dependencies: Record<string, string>;
  tarball: string;
  /** Subresource integrity ("sha512-..." or, for old packages, "sha1-..."). */
  integrity: string;
}

export interface Packument {
  name: string;
  latest: string | undefined;
  versions: Map<string, VersionInfo>;
}

export function registryUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.LAKELOOP_NPM_REGISTRY ?? env.npm_config_registry ?? "https://registry.npmjs.org").replace(/\/+$/, "");
}

async function fetchWithRetry(url: string, init: RequestInit, what: string): Promise<Response> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
      if (response.status < 500 && response.status !== 429) return response;
      lastError = new Error(`HTTP ${response.status}`);
    } catch (err) {
      lastError = err;
    }
  }
  const reason = (lastError as Error & { cause?: Error })?.cause?.message ?? (lastError as Error)?.message ?? String(lastError);
  throw new EnvironmentError("REGISTRY_UNREACHABLE", `cannot reach the npm registry for ${what} (${url}): ${reason}`);
}

export async function fetchPackument(registry: string, name: string): Promise<Packument> {
  const url = `${registry}/${name.startsWith("@") ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`;
  const response = await fetchWithRetry(url, { headers: { accept: "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8" } }, `package "${name}"`);
  if (response.status === 404) throw new EnvironmentError("UNKNOWN_PACKAGE", `npm package "${name}" does not exist in the registry ${registry}`);
  if (!response.ok) throw new EnvironmentError("REGISTRY_UNREACHABLE", `the npm registry answered HTTP ${response.status} for package "${name}" (${url})`);
  const doc = (await response.json()) as {
    "dist-tags"?: Record<string, string>;
    versions?: Record<string, { dependencies?: Record<string, string>; dist: { tarball: string; integrity?: string; shasum?: string } }>;
  };
  const versions = new Map<string, VersionInfo>();
  for (const [version, v] of Object.entries(doc.versions ?? {})) {
    const integrity = v.dist.integrity ?? (v.dist.shasum ? `sha1-${Buffer.from(v.dist.shasum, "hex").toString("base64")}` : "");
    versions.set(version, { version, dependencies: v.dependencies ?? {}, tarball: v.dist.tarball, integrity });
  }
  return { name, latest: doc["dist-tags"]?.latest, versions };
}

export async function fetchTarball(info: VersionInfo, name: string): Promise<Buffer> {
  const response = await fetchWithRetry(info.tarball, {}, `${name}@${info.version}`);
  if (!response.ok) throw new EnvironmentError("BAD_TARBALL", `the tarball of ${name}@${info.version} could not be fetched: HTTP ${response.status} (${info.tarball})`);
  return Buffer.from(await response.arrayBuffer());
}
