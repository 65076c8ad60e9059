// The rule that keeps a model's imports inside its environment. Node resolves a bare
// name by walking up every parent folder's node_modules, so a model whose environment
// sits under a project (the default ./.lakeloop/packages) would silently import the
// project's packages — lakeloop's own among them — and work here but not on a worker
// elsewhere. The fence refuses any file a model or one of its packages resolves outside
// the environment's folder; built-in modules (node:*) stay allowed (see the README on
// what is not restricted). Shared by the ESM resolve hook and the CommonJS patch.
import * as path from "node:path";

export interface Fence {
  /** The environment's folder, its real path (Node resolves to real paths). */
  dir: string;
  /** The packages the model declared (runtime.npm), for the error message. */
  packages: string[];
}

const inside = (dir: string, file: string) => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/** True when `importer` is the model or one of its packages: its imports are fenced. */
export function isFenced(fence: Fence, importer: string): boolean {
  return inside(fence.dir, importer);
}

/** True when a fenced import resolved to a file outside the environment. */
export function escapesFence(fence: Fence, importer: string, resolved: string): boolean {
  return isFenced(fence, importer) && path.isAbsolute(resolved) && !inside(fence.dir, resolved);
}

/** "the model", or the package (name@version) whose file imports. */
function importerLabel(fence: Fence, importer: string): string {
  const relative = path.relative(fence.dir, importer).split(path.sep);
  // Packages sit at node_modules/.store/<name@version>/node_modules/<name>/…
  if (relative[0] === "node_modules" && relative[1] === ".store" && relative[2]) return `package ${relative[2].replace("+", "/")}`;
  return "the model";
}

/** "pkg" of "pkg/sub/path", "@scope/pkg" of "@scope/pkg/sub"; undefined for a path. */
function packageOf(specifier: string): string | undefined {
  if (/^(\.|\/|file:|[a-z]:[\\/])/i.test(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The message of a refused import: what, from where, and what to do. */
export function fenceMessage(fence: Fence, specifier: string, importer: string): string {
  const from = importerLabel(fence, importer);
  const declared = fence.packages.length ? fence.packages.join(", ") : "none";
  const name = packageOf(specifier);
  if (name === undefined) return `cannot import "${specifier}" from ${from}: it is outside the model's environment (a model sees its inputs and its packages only)`;
  if (from === "the model") {
    return `cannot import "${specifier}": package "${name}" is not in the model's runtime.npm (declared: ${declared}); add it there, e.g. runtime: { npm: { "${name}": "<version>" } }`;
  }
  return `cannot import "${specifier}" from ${from}: that package does not declare "${name}" as a dependency, so it is not in the model's environment (declared: ${declared})`;
}
