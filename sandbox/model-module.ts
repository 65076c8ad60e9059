// A model's code as a module file inside its environment, so that its `import("pkg")`
// resolves in that environment's node_modules (a data: URL cannot resolve bare names).
// Named by the hash of the code: equal code, one file; written by rename, never torn.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, realpath, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { PreparedEnvironment } from "./environments.js";
import type { Fence } from "./import-fence.js";

/** What a model's thread needs to run inside its environment. */
export interface ModelEnvironment {
  /** The model's module file, inside the environment. */
  moduleUrl: string;
  /** The folder its imports must stay in, and what it declared. */
  fence: Fence;
}

export async function writeModelModule(environmentDir: string, code: string): Promise<string> {
  const file = path.join(environmentDir, "models", `${createHash("sha256").update(code).digest("hex").slice(0, 24)}.mjs`);
  if (!existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomUUID()}`;
    await writeFile(temp, code);
    await rename(temp, file);
  }
  return pathToFileURL(file).href;
}

/** Writes the model's module into its environment and fences its imports to that folder. */
export async function placeModel(environment: PreparedEnvironment, code: string): Promise<ModelEnvironment> {
  // Real paths: Node resolves through symlinks (a /tmp that is a link, say), so the fence must too.
  const dir = await realpath(environment.dir);
  return { moduleUrl: await writeModelModule(dir, code), fence: { dir, packages: Object.keys(environment.lock.roots).sort() } };
}
