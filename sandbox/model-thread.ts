// The body of a pooled model thread: started ahead of time with Apache Arrow loaded (and,
// for models with packages, behind its environment's import fence), it runs one model
// per message — rebuilding the inputs over the parent's shared memory (no copy),
// importing the model's module, calling it with the inputs and `{ arrow, log }`, and
// moving the output's buffers back by transfer — then checks that the model left the
// realm as it found it (realm-guard.ts) before it serves another.
import { parentPort, workerData } from "node:worker_threads";
import * as arrow from "apache-arrow";
import { describeTable, sharedBuffersOf, tableFromDescription, transferablesOf, type TableDescription } from "../columnar/share.js";
import { tableFromRows } from "../columnar/table-from-rows.js";
import { fenceImports } from "./fence-imports.js";
import type { Fence } from "./import-fence.js";
import { guardRealm } from "./realm-guard.js";
import { installFastReads } from "./fast-reads.js";

export interface ThreadSetup {
  /** Models with packages: the environment this thread's imports are fenced to. */
  fence?: Fence;
}

export interface ModelJob {
  id: number;
  code: string;
  /** The model as a module file in its environment (models with packages). */
  moduleUrl?: string;
  inputs: Record<string, TableDescription>;
}

export type ThreadMessage =
  | { ready: true }
  | { id: number; log: string }
  /** ms: rebuilding the inputs, the model's own code, describing its output. */
  | { id: number; ok: TableDescription; ms: { inputs: number; model: number; output: number } }
  | { id: number; error: { message: string; stack: string; code?: string } }
  /** After every job: whether the thread may serve another (and why not). */
  | { id: number; done: true; dirty?: string };

const setup = (workerData ?? {}) as ThreadSetup;
if (setup.fence) fenceImports(setup.fence);
// Before the realm's picture is taken: the faster reads are part of the realm every model finds.
installFastReads(arrow);
const checkRealm = guardRealm([arrow]);
const port = parentPort!;
// Taken when the first model arrives: by then the thread's own port is among them.
let baseline: number | undefined;

/** Timers, sockets or files a model left running would act during the next model's run. */
function leftRunning(): string | undefined {
  const now = process.getActiveResourcesInfo();
  return now.length > baseline! ? `the model left work running (${now.slice(baseline).join(", ")})` : undefined;
}
type ModelFunction = (inputs: unknown, context: unknown) => unknown;
/** Models without packages, by code: a model is a pure function, imported once. */
const imported = new Map<string, ModelFunction>();

/**
 * The model's function. A model's module holds only its function (the purity check
 * refuses outside names), and the function is frozen, so reusing the module for the
 * same code carries no state from one run to the next; a thread with packages imports
 * its model's file once and is never reused.
 */
async function modelFunction(job: ModelJob): Promise<ModelFunction> {
  const cached = job.moduleUrl ? undefined : imported.get(job.code);
  if (cached) return cached;
  const url = job.moduleUrl ?? `data:text/javascript;base64,${Buffer.from(job.code).toString("base64")}`;
  const mod = (await import(url)) as { default: unknown };
  if (typeof mod.default !== "function") throw new TypeError("the model module does not export a function");
  const fn = Object.freeze(mod.default) as ModelFunction;
  if (!job.moduleUrl) imported.set(job.code, fn);
  return fn;
}

/** A model without packages imports from a data: URL, where Node's message for a bare
 * name is long and unhelpful (it quotes the whole module as base64): say what to do. */
function explain(message: string): string {
  const bare = /^Failed to resolve module specifier "([^"]+)" from "data:/.exec(message);
  if (!bare) return message;
  const name = bare[1]!.startsWith("@") ? bare[1]!.split("/").slice(0, 2).join("/") : bare[1]!.split("/")[0]!;
  return `cannot import "${bare[1]}": the model declares no packages; add runtime: { npm: { "${name}": "<version>" } } to its options`;
}

async function run(job: ModelJob): Promise<void> {
  const t0 = performance.now();
  const inputs: Record<string, arrow.Table> = {};
  for (const [name, description] of Object.entries(job.inputs)) inputs[name] = tableFromDescription(description);
  const fn = await modelFunction(job);
  const t1 = performance.now();
  const log = (...args: unknown[]) => port.postMessage({ id: job.id, log: args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ") });
  const output = await fn(inputs, { arrow, log });
  let table: arrow.Table;
  if (output instanceof arrow.Table) table = output;
  else if (Array.isArray(output)) table = tableFromRows(output);
  else throw Object.assign(new TypeError(`the model returned ${output === null ? "null" : typeof output}; return an Arrow Table or an array of row objects`), { code: "MODEL_BAD_OUTPUT" });
  // Memory the output shares with the inputs goes back by position: the parent keeps one
  // object per block of memory, so it knows which of its tables share it.
  const t2 = performance.now();
  const description = describeTable(table, sharedBuffersOf(Object.values(job.inputs)));
  port.postMessage({ id: job.id, ok: description, ms: { inputs: t1 - t0, model: t2 - t1, output: performance.now() - t2 } }, transferablesOf(description));
}

port.on("message", (job: ModelJob) => {
  baseline ??= process.getActiveResourcesInfo().length;
  run(job)
    .catch((err: unknown) => {
      const e = err as Error & { code?: string };
      port.postMessage({ id: job.id, error: { message: explain(e?.message ?? String(err)), stack: e?.stack ?? "", code: e?.code } });
    })
    .finally(() => port.postMessage({ id: job.id, done: true, dirty: checkRealm() ?? leftRunning() }));
});
port.postMessage({ ready: true });
