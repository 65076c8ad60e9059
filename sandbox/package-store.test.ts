// The store's promises where the network must misbehave on cue (a local fake registry):
// a failed install adds nothing to the store, two runs needing the same new environment
// download each package once, and what a killed install left behind is swept away.
import { mkdir, mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Environments } from "./environments.js";
import { startFakeRegistry, type FakeRegistry } from "../testing/fake-registry.js";

let root: string;
let registry: FakeRegistry;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "lakeloop-store-"));
  registry = await startFakeRegistry([
    { name: "good", version: "1.0.0", files: { "index.js": "module.exports = 'good';" } },
    { name: "helper", version: "2.0.0", files: { "index.js": "module.exports = 2;" } },
    { name: "uses-helper", version: "1.0.0", files: { "index.js": "module.exports = require('helper') + 1;" }, dependencies: { helper: "^2.0.0" } },
    { name: "tampered", version: "1.0.0", files: { "index.js": "module.exports = 'evil';" }, corrupt: true },
  ]);
});
afterAll(async () => {
  await registry.close();
  await rm(root, { recursive: true, force: true });
});

describe("the package store", () => {
  it("stores nothing when one package of an install fails", async () => {
    const envs = new Environments(root, registry.url);
    await expect(envs.prepare({ good: "1.0.0", tampered: "1.0.0" })).rejects.toThrow(/the tarball of tampered@1\.0\.0 does not match its integrity sha512-.*; refusing it/);
    expect(registry.downloads.get("good-1.0.0.tgz")).toBe(1); // it was fetched...
    expect(await readdir(path.join(root, "store", "files")).catch(() => [])).toEqual([]); // ...and not kept
    expect(await readdir(path.join(root, "store", "staging"))).toEqual([]);
    expect(await readdir(path.join(root, "environments")).catch(() => [])).toEqual([]);
  });

  it("installs a new environment once for two runs that need it at the same time", async () => {
    const envs = new Environments(root, registry.url);
    const [a, b] = await Promise.all([envs.prepare({ "uses-helper": "^1.0.0" }), envs.prepare({ "uses-helper": "^1.0.0" })]);
    expect(a.dir).toBe(b.dir);
    expect(registry.downloads.get("uses-helper-1.0.0.tgz")).toBe(1);
    expect(registry.downloads.get("helper-2.0.0.tgz")).toBe(1);
    const { createRequire } = await import("node:module");
    expect(createRequire(path.join(a.dir, "x.js"))("uses-helper")).toBe(3);
  });

  it("sweeps what a killed install left behind, once it is old, before the next install", async () => {
    const killedRoot = await mkdtemp(path.join(tmpdir(), "lakeloop-killed-"));
    try {
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
      const old = [path.join(killedRoot, "store", "staging", "old-install"), path.join(killedRoot, "environments", "abc.building-old")];
      const fresh = path.join(killedRoot, "store", "staging", "live-install"); // perhaps another process's, still writing
      for (const dir of [...old, fresh]) await mkdir(path.join(dir, "package"), { recursive: true });
      for (const dir of old) await utimes(dir, twoHoursAgo, twoHoursAgo);
      await new Environments(killedRoot, registry.url).prepare({ good: "1.0.0" });
      expect((await readdir(path.join(killedRoot, "store", "staging"))).sort()).toEqual(["live-install"]);
      expect((await readdir(path.join(killedRoot, "environments"))).filter((n) => n.includes(".building-"))).toEqual([]);
    } finally {
      await rm(killedRoot, { recursive: true, force: true });
    }
  });
});
