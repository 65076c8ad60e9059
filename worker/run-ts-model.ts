// Running one TypeScript model on a warm pooled thread (sandbox/model-threads.ts), with a
// heap limit (memoryMb) and a wall-clock limit (timeoutMs): a model that throws, hangs or
// runs out of memory fails alone, with an error that names it, and the worker process
// keeps serving. Inputs reach the thread as shared memory (the same buffers, no copy)
// and outputs come back by transfer; only the schema is serialized. Inputs are lent,
// not given: their checksums before and after the model must agree, and a model that
// wrote to one fails with the damaged buffers named so the worker can drop every copy.
import type { Table } from "apache-arrow";
import { changedSince, lend, type Lent } from "../columnar/buffer-checksums.js";
import { describeTable, resolveKnownViews, shareTable, sharedBuffersOf, tableFromDescription, type TableDescription } from "../columnar/share.js";
import type { ModelEnvironment } from "../sandbox/model-module.js";
import { DEFAULT_MEMORY_MB, ModelThreads } from "../sandbox/model-threads.js";
import type { ThreadMessage } from "../sandbox/model-thread.js";
import { findBadOutput } from "./check-model-output.js";
import type { TsSpec } from "../protocol/plan.js";
import type { NodeProfile } from "../protocol/messages.js";

export type ModelErrorCode = "MODEL_THREW" | "MODEL_TIMEOUT" | "MODEL_OUT_OF_MEMORY" | "MODEL_BAD_OUTPUT" | "MODEL_CANCELLED" | "MODEL_WROTE_INPUT";

export class ModelError extends Error {
  override name = "ModelError";
  constructor(readonly code: ModelErrorCode, message: string, readonly modelStack?: string, readonly damaged?: Set<ArrayBufferLike>) {
    super(message);
  }
}

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
export { DEFAULT_MEMORY_MB };

/** Keeps only the stack lines inside the model's own code, with its lines. */
function modelStack(stack: string): string {
  return stack.split("\n").filter((line) => !line.includes("model-thread") && !line.includes("node:"))
    .map((l) => l.replace(/data:text\/javascript;base64,[A-Za-z0-9+/=]+/, "model").replace(/file:\/\/\S+\/models\/[0-9a-f]+\.mjs/, "model")).join("\n");
}

let shared: ModelThreads | undefined;

/** The process's pool of model threads (warmed on first use). */
export function modelThreads(): ModelThreads {
  if (!shared) {
    shared = new ModelThreads();
    shared.warm();
  }
  return shared;
}

export interface RunTsModelOptions {
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** The model's module in its environment, when it imports packages. */
  environment?: ModelEnvironment;
  threads?: ModelThreads;
  /** Receives where the time went (hand-off, thread, model, check; see NodeProfile). */
  profile?: NodeProfile;
}

/** The model's inputs, checked after it ran: the first one it wrote to, and every buffer it damaged. */
async function damageOf(inputs: Record<string, Lent>): Promise<ModelError | undefined> {
  const changed = await Promise.all(Object.entries(inputs).map(async ([name, l]) => [name, await changedSince(l)] as const));
  const first = changed.find(([, c]) => c.length > 0);
  if (!first) return undefined;
  const name = first[0];
  const column = first[1][0]!.column;
  const damaged = new Set<ArrayBufferLike>(changed.flatMap(([, c]) => c.map((b) => b.view.buffer)));
  return new ModelError("MODEL_WROTE_INPUT", `wrote to its input "${name}" (column ${column}); inputs are read-only and shared with ` +
    `other models — copy before changing, e.g. ${name}.getChild("${column}").toArray().slice()`, undefined, damaged);
}

export async function runTsModel(spec: TsSpec, inputs: Record<string, Table>, options: RunTsModelOptions = {}): Promise<Table> {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const memoryMb = spec.memoryMb ?? DEFAULT_MEMORY_MB;
  const threads = options.threads ?? modelThreads();
  const started = performance.now();
  const described: Record<string, TableDescription> = {};
  const lent: Record<string, Lent> = {};
  for (const [name, table] of Object.entries(inputs)) {
    const sharedTable = shareTable(table);
    described[name] = describeTable(sharedTable);
    lent[name] = await lend([sharedTable]);
  }
  const handedOff = performance.now();
  const thread = await threads.acquire({ memoryMb, fence: options.environment?.fence });
  let inThread = { inputs: 0, model: 0, output: 0 };
  let received = 0;
  const fail = (code: ModelErrorCode, message: string, stack?: string) => new ModelError(code, `model "${spec.name}" ${message}`, stack);
  return new Promise<Table>((resolve, reject) => {
    let result: Table | undefined;
    let error: ModelError | undefined;
    let settled = false;
    const finish = (end: () => void, keepThread: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      // A thread that is ended must be gone before its inputs are checked.
      const ended = keepThread ? Promise.resolve() : thread.terminate();
      threads.release(thread);
      void ended.then(() => check(end));
    };
    // Whatever happened, the inputs must be as they were lent.
    const check = async (end: () => void) => {
      const checking = performance.now();
      const damage = await damageOf(lent);
      if (options.profile) {
        const p = options.profile;
        p["hand-off"] = handedOff - started + inThread.inputs;
        p.model = inThread.model;
        p.check = performance.now() - checking + (received ? checking - received : 0);
        p.thread = Math.max(0, (received || checking) - handedOff - inThread.inputs - inThread.model);
      }
      if (damage) return reject(Object.assign(damage, { message: `model "${spec.name}" ${damage.message}` }));
      end();
    };
    const timer = setTimeout(() => finish(() => reject(fail("MODEL_TIMEOUT", `ran longer than its ${timeoutMs} ms limit (timeoutMs) and was stopped`)), false), timeoutMs);
    const onAbort = () => finish(() => reject(fail("MODEL_CANCELLED", "was cancelled")), false);
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const onMessage = (m: ThreadMessage) => {
      if ("log" in m) return options.log?.(m.log);
      if ("ok" in m) {
        received = performance.now();
        inThread = m.ms;
        // A malformed table is refused here, naming the model; no stack: the fault is in
        // what the model returned, not in a line of its code.
        const output = resolveKnownViews(m.ok, sharedBuffersOf(Object.values(described)));
        const bad = findBadOutput(output);
        if (bad) error = fail("MODEL_BAD_OUTPUT", `returned a bad table: ${bad}`, "");
        else {
          try {
            result = tableFromDescription(output);
          } catch (err) {
            error = fail("MODEL_BAD_OUTPUT", `returned a bad table: ${(err as Error).message}`, "");
          }
        }
      } else if ("error" in m) {
        const code = m.error.code === "MODEL_BAD_OUTPUT" ? "MODEL_BAD_OUTPUT" : "MODEL_THREW";
        error = fail(code, `${code === "MODEL_THREW" ? "threw" : "returned a bad value"}: ${m.error.message}`, code === "MODEL_BAD_OUTPUT" ? "" : modelStack(m.error.stack));
      } else if ("done" in m) {
        if (m.dirty) thread.retired = true;
        finish(() => (error ? reject(error) : resolve(result!)), true);
      }
    };
    const onFailure = (err: Error & { code?: string }) => {
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY") finish(() => reject(fail("MODEL_OUT_OF_MEMORY", `ran out of memory (limit ${memoryMb} MB, memoryMb)`)), false);
      else if (err.code === "EXIT") finish(() => reject(fail("MODEL_THREW", `stopped (${err.message}) without a result`)), false);
      else finish(() => reject(fail("MODEL_THREW", `failed: ${err.message}`, err.stack)), false);
    };
    thread.start({ id: thread.runs + 1, code: spec.code, moduleUrl: options.environment?.moduleUrl, inputs: described }, [], onMessage, onFailure);
  });
}
