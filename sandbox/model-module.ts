// A model's code as a module file inside its environment, so that its `import("pkg")`
// resolves in that environment's node_modules (a data: URL cannot resolve bare names).
// Named by the hash of the code: equal code, one file; written by rename, never torn.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

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
