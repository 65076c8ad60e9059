// Running one TypeScript model in its own worker thread, with a heap limit (memoryMb)
// and a wall-clock limit (timeoutMs): a model that throws, hangs or runs out of memory
// fails alone, with an error that names it, and the worker process keeps serving.
// Inputs reach the thread as shared memory (the same buffers, no copy) and outputs come
// back by transfer; only the schema is serialized.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { Table } from "apache-arrow";
import { describeTable, shareTable, tableFromDescription, type TableDescription } from "../columnar/share.js";
import type { ModelEnvironment } from "../sandbox/model-module.js";
import type { TsSpec } from "./plan.js";
import { findBadOutput } from "./check-model-output.js";

export class ModelError extends Error {
  override name = "ModelError";
  constructor(readonly code: "MODEL_THREW" | "MODEL_TIMEOUT" | "MODEL_OUT_OF_MEMORY" | "MODEL_BAD_OUTPUT" | "MODEL_CANCELLED", message: string, readonly modelStack?: string) {
    super(message);
  }
}

/** The compiled thread file, whether this module runs from dist/ or from the sources. */
function threadFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sibling = path.join(here, "ts-thread.js");
  if (existsSync(sibling)) return sibling;
  return path.resolve(here, "../dist/worker/ts-thread.js");
}

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_MEMORY_MB = 4096;

/** Keeps only the stack lines inside the model's own code, with its lines. */
function modelStack(stack: string): string {
  return stack.split("\n").filter((line) => !line.includes("ts-thread") && !line.includes("node:"))
    .map((l) => l.replace(/data:text\/javascript;base64,[A-Za-z0-9+/=]+/, "model").replace(/file:\/\/\S+\/models\/[0-9a-f]+\.mjs/, "model")).join("\n");
}

/** A model's output is refused here, naming the model, unless it is a well-formed table. */
function receiveOutput(model: string, output: TableDescription, resolve: (t: Table) => void, reject: (e: Error) => void): void {
  // No stack: the fault is in what the model returned, not in a line of its code.
  const refuse = (why: string) => reject(new ModelError("MODEL_BAD_OUTPUT", `model "${model}" returned a bad table: ${why}`, ""));
  const bad = findBadOutput(output);
  if (bad) return refuse(bad);
  try {
    resolve(tableFromDescription(output));
  } catch (err) {
    refuse((err as Error).message);
  }
}

/** `environment`: the model's module in its environment, when it imports packages. */
export function runTsModel(spec: TsSpec, inputs: Record<string, Table>, signal?: AbortSignal, log?: (line: string) => void, environment?: ModelEnvironment): Promise<Table> {
  const timeoutMs = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const memoryMb = spec.memoryMb ?? DEFAULT_MEMORY_MB;
  const described: Record<string, TableDescription> = {};
  for (const [name, table] of Object.entries(inputs)) described[name] = describeTable(shareTable(table));
  return new Promise<Table>((resolve, reject) => {
    const worker = new Worker(threadFile(), {
      workerData: { code: spec.code, inputs: described, environment },
      // The model sees no environment variables: no S3 credentials, no worker keys.
      env: {},
      resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, memoryMb / 8)) },
      stdout: false,
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(new ModelError("MODEL_TIMEOUT", `model "${spec.name}" ran longer than its ${timeoutMs} ms limit (timeoutMs) and was stopped`))), timeoutMs);
    const onAbort = () => finish(() => reject(new ModelError("MODEL_CANCELLED", `model "${spec.name}" was cancelled`)));
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.on("message", (message: { ok?: TableDescription; error?: { message: string; stack: string; code?: string }; log?: string }) => {
      if (message.log !== undefined) return log?.(message.log);
      if (message.ok) return finish(() => receiveOutput(spec.name, message.ok!, resolve, reject));
      if (message.error) {
        const code = message.error.code === "MODEL_BAD_OUTPUT" ? "MODEL_BAD_OUTPUT" : "MODEL_THREW";
        const stack = code === "MODEL_BAD_OUTPUT" ? "" : modelStack(message.error.stack);
        finish(() => reject(new ModelError(code, `model "${spec.name}" ${code === "MODEL_THREW" ? "threw" : "returned a bad value"}: ${message.error!.message}`, stack)));
      }
    });
    worker.on("error", (err: Error & { code?: string }) => {
      if (err.code === "ERR_WORKER_OUT_OF_MEMORY") finish(() => reject(new ModelError("MODEL_OUT_OF_MEMORY", `model "${spec.name}" ran out of memory (limit ${memoryMb} MB, memoryMb)`)));
      else finish(() => reject(new ModelError("MODEL_THREW", `model "${spec.name}" failed: ${err.message}`, err.stack)));
    });
    worker.on("exit", (code) => finish(() => reject(new ModelError("MODEL_THREW", `model "${spec.name}" stopped (thread exit code ${code}) without a result`))));
  });
}
