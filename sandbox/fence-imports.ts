// Puts a model's thread behind the import fence (import-fence.ts) before the model is
// imported: ESM imports through resolve hooks registered for this thread only (a worker
// thread has its own module loader), CommonJS require() — which Node 20's hooks do not
// see — by wrapping this thread's resolver. Files outside the fence (lakeloop's own
// thread code) resolve as before.
import Module, { register } from "node:module";
import { escapesFence, fenceMessage, isFenced, type Fence } from "./import-fence.js";

interface Resolver {
  _resolveFilename(request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]): string;
}

const refuse = (message: string) => Object.assign(new Error(message), { code: "MODULE_NOT_FOUND" });

export function fenceImports(fence: Fence): void {
  register(new URL("./fence-hooks.js", import.meta.url), { data: fence });
  const resolver = Module as unknown as Resolver;
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (this: unknown, request, parent, ...rest) {
    const importer = parent?.filename ?? undefined;
    if (!importer || !isFenced(fence, importer)) return original.call(this, request, parent, ...rest);
    let resolved: string;
    try {
      resolved = original.call(this, request, parent, ...rest);
    } catch (err) {
      if ((err as { code?: string }).code === "MODULE_NOT_FOUND") throw refuse(fenceMessage(fence, request, importer));
      throw err;
    }
    if (escapesFence(fence, importer, resolved)) throw refuse(fenceMessage(fence, request, importer));
    return resolved;
  };
}
