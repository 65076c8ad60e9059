// What a model can reach, as the README promises: its packages and nothing else on the
// import path. The environments live where the default puts them — under a project whose
// own node_modules Node's resolution would otherwise walk into — so an undeclared import
// would silently work here and fail on another worker. Every way in is tried: the model's
// import, its require, a package's require and import, an absolute path, and a model
// with no packages at all. Environment variables are gone; built-ins stay (not restricted).
import { createRequire } from "node:module";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTsModel } from "../worker/run-ts-model.js";
import { Environments } from "./environments.js";
import { placeModel } from "./model-module.js";
import { startFakeRegistry, type FakeRegistry } from "../testing/fake-registry.js";

let project: string;
let registry: FakeRegistry;
let envs: Environments;

beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), "lakeloop-fence-"));
  // The project's own package, which no model declares.
  await mkdir(path.join(project, "node_modules", "undeclared"), { recursive: true });
  await writeFile(path.join(project, "node_modules", "undeclared", "package.json"), JSON.stringify({ name: "undeclared", version: "1.0.0", main: "index.js" }));
  await writeFile(path.join(project, "node_modules", "undeclared", "index.js"), "module.exports = 'leaked';");
  registry = await startFakeRegistry([
    { name: "good", version: "1.0.0", files: { "index.js": "module.exports = 'good';" } },
    { name: "requires-undeclared", version: "1.0.0", files: { "index.js": "module.exports = require('undeclared');" } },
    {
      name: "imports-undeclared", version: "1.0.0",
      files: { "package.json": JSON.stringify({ name: "imports-undeclared", version: "1.0.0", type: "module", exports: "./index.js" }), "index.js": "export { default } from 'undeclared';" },
    },
  ]);
  envs = new Environments(path.join(project, ".lakeloop", "packages"), registry.url);
});
afterAll(async () => {
  await registry.close();
  await rm(project, { recursive: true, force: true });
});

/** Runs `body` (the inside of an async arrow) as a model with `npm` as its packages. */
async function runModel(body: string, npm?: Record<string, string>) {
  const code = `export default async () => { ${body} };`;
  const environment = npm ? await placeModel(await envs.prepare(npm), code) : undefined;
  const out = await runTsModel({ name: "m", code, timeoutMs: 30_000 }, {}, { environment });
  return out.toArray().map((r) => ({ ...r }));
}

describe("a model's imports stay in its environment", () => {
  it("would leak without the fence: the project's package is on Node's resolution path", async () => {
    const prepared = await envs.prepare({ good: "1.0.0" });
    expect(createRequire(path.join(prepared.dir, "models", "x.mjs"))("undeclared")).toBe("leaked");
  });

  it("imports what it declared", async () => {
    expect(await runModel(`const m = await import("good"); return [{ v: m.default }];`, { good: "1.0.0" })).toEqual([{ v: "good" }]);
  });

  it("refuses an undeclared package, by import and by require, naming it and what to do", async () => {
    await expect(runModel(`await import("undeclared"); return [];`, { good: "1.0.0" }))
      .rejects.toThrow(/model "m" threw: cannot import "undeclared": package "undeclared" is not in the model's runtime\.npm \(declared: good\); add it there/);
    await expect(runModel(`const { createRequire } = await import("node:module"); createRequire(import.meta.url)("undeclared/index.js"); return [];`, { good: "1.0.0" }))
      .rejects.toThrow(/cannot import "undeclared\/index\.js": package "undeclared" is not in the model's runtime\.npm/);
  });

  it("refuses a package's own undeclared dependency, from CommonJS and from ESM", async () => {
    await expect(runModel(`await import("requires-undeclared"); return [];`, { "requires-undeclared": "1.0.0" }))
      .rejects.toThrow(/cannot import "undeclared" from package requires-undeclared@1\.0\.0: that package does not declare "undeclared"/);
    await expect(runModel(`await import("imports-undeclared"); return [];`, { "imports-undeclared": "1.0.0" }))
      .rejects.toThrow(/cannot import "undeclared" from package imports-undeclared@1\.0\.0: that package does not declare "undeclared"/);
  });

  it("refuses a file outside the environment by path", async () => {
    const file = path.join(project, "node_modules", "undeclared", "index.js");
    await expect(runModel(`await import(${JSON.stringify(file)}); return [];`, { good: "1.0.0" }))
      .rejects.toThrow(/cannot import ".*undeclared\/index\.js" from the model: it is outside the model's environment/);
  });

  it("tells a model with no packages to declare the one it imports", async () => {
    await expect(runModel(`await import("good"); return [];`))
      .rejects.toThrow(/model "m" threw: cannot import "good": the model declares no packages; add runtime: \{ npm: \{ "good": "<version>" \} \}/);
  });

  it("sees no environment variables, and keeps Node's built-ins (not restricted)", async () => {
    process.env.LAKELOOP_TEST_SECRET = "s3cr3t";
    try {
      const rows = await runModel(`const path = await import("node:path"); return [{ env: Object.keys(process.env).length, sep: path.sep }];`, { good: "1.0.0" });
      expect(rows).toEqual([{ env: 0, sep: path.sep }]);
    } finally {
      delete process.env.LAKELOOP_TEST_SECRET;
    }
  });
});
