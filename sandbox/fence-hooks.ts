// The ESM half of the import fence (see import-fence.ts), as module hooks that a model's
// thread registers with module.register: every import the model or one of its packages
// makes is resolved as usual, then refused if the file lies outside the environment.
// A bare name found nowhere gets the same clear message (declare it in runtime.npm).
import type { InitializeHook, ResolveHook } from "node:module";
import { fileURLToPath } from "node:url";
import { escapesFence, fenceMessage, isFenced, type Fence } from "./import-fence.js";

let fence: Fence | undefined;

export const initialize: InitializeHook<Fence> = (data) => {
  fence = data;
};

const refuse = (message: string) => Object.assign(new Error(message), { code: "ERR_MODULE_NOT_FOUND" });

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const importer = fence && context.parentURL?.startsWith("file:") ? fileURLToPath(context.parentURL) : undefined;
  if (!fence || !importer || !isFenced(fence, importer)) return nextResolve(specifier, context);
  let result: Awaited<ReturnType<typeof nextResolve>>;
  try {
    result = await nextResolve(specifier, context);
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_MODULE_NOT_FOUND") throw refuse(fenceMessage(fence, specifier, importer));
    throw err;
  }
  if (result.url.startsWith("file:") && escapesFence(fence, importer, fileURLToPath(result.url))) throw refuse(fenceMessage(fence, specifier, importer));
  return result;
};
