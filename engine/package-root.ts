// Where lakeloop itself is installed (the folder with bin/, examples/, package.json),
// whether this code runs compiled from dist/ or as sources under a test runner.
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export function packageRoot(): string {
  // This file is engine/package-root.{ts,js}: one folder below the root, two in dist/.
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, "../..") : path.resolve(here, "..");
}

/** The `lakeloop` command's entry file, for spawning workers and writing kernelspecs. */
export function binPath(): string {
  return path.join(packageRoot(), "bin", "lakeloop.js");
}
