// Environments from the real npm registry: resolved once, linked (not copied) from the
// content-addressed store, reused without asking the registry, grown by one package
// without refetching the rest, and failing clearly without touching the store.
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Environments } from "./environments.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "lakeloop-envs-"));
  // The registry must be reachable for this file: fail loudly, never skip.
  const response = await fetch("https://registry.npmjs.org/is-number", { method: "HEAD", signal: AbortSignal.timeout(20_000) }).catch((e: Error) => e);
  if (response instanceof Error || !response.ok) throw new Error(`these tests need the npm registry (https://registry.npmjs.org): ${response instanceof Error ? response.message : response.status}`);
});
afterAll(async () => { await rm(root, { recursive: true, force: true }); });

const storeListing = async () => (await readdir(path.join(root, "store", "files")).catch(() => [] as string[])).sort();

describe("environments from the npm registry", () => {
  it("installs once, links files from the store, and reuses the environment with no registry at all", async () => {
    const envs = new Environments(root);
    const first = await envs.prepare({ "is-number": "7.0.0" });
    expect(first.reused).toBe(false);
    expect(first.installs).toEqual([expect.objectContaining({ package: "is-number", version: "7.0.0", cached: false })]);
    expect(first.installs[0]!.bytes).toBeGreaterThan(1000);
    // A hard link: the environment's file is the store's file (same inode), not a copy.
    const linked = await stat(path.join(first.dir, "node_modules", "is-number", "index.js"));
    const stored = await stat(path.join(envs.store.pathOf(first.lock.packages["is-number@7.0.0"]!), "index.js"));
    expect(linked.ino).toBe(stored.ino);
    expect(linked.nlink).toBeGreaterThanOrEqual(2);

    // The same set again, through an unreachable registry: the lock and the environment are reused.
    const offline = new Environments(root, "http://127.0.0.1:9");
    const again = await offline.prepare({ "is-number": "7.0.0" });
    expect(again).toMatchObject({ reused: true, installs: [], id: first.id, dir: first.dir });
  }, 120_000);

  it("adds one package to a set and fetches only what is new", async () => {
    const envs = new Environments(root);
    const grown = await envs.prepare({ "is-number": "7.0.0", "is-odd": "3.0.1" });
    const byName = Object.fromEntries(grown.installs.map((i) => [`${i.package}@${i.version}`, i.cached]));
    // is-odd@3.0.1 needs is-number@^6: a second version of is-number, beside 7.0.0.
    expect(byName).toEqual({ "is-number@7.0.0": true, "is-odd@3.0.1": false, "is-number@6.0.0": false });
    const isOdd = path.join(grown.dir, "node_modules", "is-odd");
    const { createRequire } = await import("node:module");
    const require = createRequire(path.join(grown.dir, "index.js"));
    expect(require("is-odd")(3)).toBe(true);
    expect(require("is-number/package.json").version).toBe("7.0.0");
    expect(createRequire(path.join(await import("node:fs").then((fs) => fs.realpathSync(isOdd)), "index.js"))("is-number/package.json").version).toBe("6.0.0");
  }, 120_000);

  it("fails a missing package or version with a clear error and leaves the store as it was", async () => {
    const envs = new Environments(root);
    const before = await storeListing();
    await expect(envs.prepare({ "is-number": "7.0.0", "lakeloop-surely-no-such-package-4711": "1.0.0" }))
      .rejects.toThrow(/npm package "lakeloop-surely-no-such-package-4711" does not exist in the registry https:\/\/registry\.npmjs\.org/);
    await expect(envs.prepare({ "is-even": "99.0.0" })).rejects.toThrow(/no version of npm package "is-even" matches "99.0.0" \(runtime\.npm\); latest is \d/);
    await expect(new Environments(root, "http://127.0.0.1:9").prepare({ "left-pad": "1.3.0" })).rejects.toThrow(/cannot reach the npm registry for package "left-pad" \(http:\/\/127\.0\.0\.1:9\/left-pad\)/);
    expect(await storeListing()).toEqual(before);
  }, 120_000);
});
