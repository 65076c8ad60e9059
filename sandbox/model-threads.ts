// The pool of warm model threads. A TypeScript model runs on a thread started ahead of
// time with Arrow loaded (sandbox/model-thread.ts), so an edit does not wait for a
// thread to start. Threads are pooled by what cannot change once a thread runs — its
// heap limit and, for models with packages, its environment's import fence:
// - a thread without packages serves model after model while each leaves the realm
//   clean (realm-guard.ts), up to MAX_RUNS runs;
// - a thread with packages serves one model (package modules keep state), and a fresh
//   one is warmed for that environment in its place;
// - a thread that timed out, ran out of memory, was cancelled or left the realm changed
//   is ended and replaced.
// Idle threads do not keep the process alive.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Fence } from "./import-fence.js";
import type { ModelJob, ThreadMessage, ThreadSetup } from "./model-thread.js";

export const DEFAULT_MEMORY_MB = 4096;
/** Runs one thread serves before it is replaced (its module map grows with each run). */
export const MAX_RUNS = 200;
/** Idle threads kept warm for the default limits, and at most in all. */
const WARM_DEFAULT = 2;
const MAX_IDLE = 6;

/** The compiled thread file, whether this module runs from dist/ or from the sources. */
function threadFile(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const sibling = path.join(here, "model-thread.js");
  if (existsSync(sibling)) return sibling;
  return path.resolve(here, "../dist/sandbox/model-thread.js");
}

export interface ThreadKey {
  memoryMb: number;
  fence?: Fence;
}

const keyOf = (k: ThreadKey) => `${k.memoryMb}|${k.fence ? `${k.fence.dir}|${k.fence.packages.join(",")}` : ""}`;

export class ModelThread {
  runs = 0;
  /** Set once the thread may not serve another model. */
  retired = false;
  readonly ready: Promise<void>;
  #listener: ((m: ThreadMessage) => void) | undefined;
  #onFailure: ((err: Error & { code?: string }) => void) | undefined;
  #exited = false;

  constructor(readonly key: ThreadKey) {
    const setup: ThreadSetup = key.fence ? { fence: key.fence } : {};
    this.worker = new Worker(threadFile(), {
      workerData: setup,
      // The model sees no environment variables: no S3 credentials, no worker keys.
      env: {},
      resourceLimits: { maxOldGenerationSizeMb: key.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, key.memoryMb / 8)) },
      stdout: false,
    });
    this.ready = new Promise((resolve, reject) => {
      const onReady = (m: ThreadMessage) => {
        if ("ready" in m) {
          this.worker.off("message", onReady);
          resolve();
        }
      };
      this.worker.on("message", onReady);
      this.worker.once("error", reject);
      this.worker.once("exit", (code) => reject(new Error(`the model thread stopped while starting (exit code ${code})`)));
    });
    this.ready.catch(() => {});
    this.worker.on("message", (m: ThreadMessage) => this.#listener?.(m));
    this.worker.on("error", (err) => this.#onFailure?.(err));
    this.worker.on("exit", (code) => {
      this.#exited = true;
      this.retired = true;
      this.#onFailure?.(Object.assign(new Error(`thread exit code ${code}`), { code: "EXIT" }));
    });
    // After the listeners: adding a message listener refs the thread's port again.
    this.worker.unref();
  }

  readonly worker: Worker;

  get exited(): boolean {
    return this.#exited;
  }

  /**
   * Sends one job; `onMessage` gets its messages, `onFailure` the thread's death. The
   * thread is ref'd (keeps the process alive) while it works.
   */
  start(job: ModelJob, transfer: ArrayBuffer[], onMessage: (m: ThreadMessage) => void, onFailure: (err: Error & { code?: string }) => void): void {
    this.runs++;
    this.#listener = onMessage;
    this.#onFailure = onFailure;
    this.worker.ref();
    this.worker.postMessage(job, transfer);
  }

  /** The job is over (the thread said done, or was ended). */
  finish(): void {
    this.#listener = undefined;
    this.#onFailure = undefined;
    this.worker.unref();
  }

  /** Ends the thread; resolves once it can no longer touch memory. */
  terminate(): Promise<void> {
    this.retired = true;
    return this.worker.terminate().then(() => undefined, () => undefined);
  }
}

export class ModelThreads {
  readonly #idle = new Map<string, ModelThread[]>();
  #closed = false;
  /** Threads started, for the bench and tests. */
  started = 0;

  /** Starts the default threads now, off any run's critical path. */
  warm(key: ThreadKey = { memoryMb: DEFAULT_MEMORY_MB }, count = WARM_DEFAULT): void {
    const list = this.#idle.get(keyOf(key)) ?? [];
    while (!this.#closed && list.length < count) list.push(this.#spawn(key));
    this.#idle.set(keyOf(key), list);
  }

  #spawn(key: ThreadKey): ModelThread {
    this.started++;
    return new ModelThread(key);
  }

  /** A ready thread for `key`: an idle warm one, else a new one. */
  async acquire(key: ThreadKey): Promise<ModelThread> {
    const list = this.#idle.get(keyOf(key));
    let thread: ModelThread | undefined;
    while (list?.length && !thread) {
      const t = list.shift()!;
      if (!t.exited) thread = t;
    }
    thread ??= this.#spawn(key);
    // Someone waits on it now: it keeps the process alive until released.
    thread.worker.ref();
    await thread.ready;
    return thread;
  }

  /** Back to the pool when it may serve again; else ended, and a warm one started in its place. */
  release(thread: ModelThread): void {
    thread.finish();
    const reusable = !thread.retired && !thread.exited && !thread.key.fence && thread.runs < MAX_RUNS;
    if (!reusable) void thread.terminate();
    if (this.#closed) {
      void thread.terminate();
      return;
    }
    const id = keyOf(thread.key);
    const list = this.#idle.get(id) ?? [];
    this.#idle.set(id, list);
    // The replacement (or the thread itself) goes back behind the others; starting a
    // replacement waits a tick so it never competes with the run that just ended.
    if (reusable) list.push(thread);
    else setImmediate(() => {
      if (!this.#closed && list.length < (thread.key.fence ? 1 : WARM_DEFAULT)) list.push(this.#spawn(thread.key));
      this.#trim();
    });
    this.#trim();
  }

  /** Keeps at most MAX_IDLE idle threads, ending those of the longest-unused keys. */
  #trim(): void {
    let total = [...this.#idle.values()].reduce((n, l) => n + l.length, 0);
    for (const [id, list] of this.#idle) {
      if (total <= MAX_IDLE) break;
      while (list.length && total > MAX_IDLE) {
        void list.pop()!.terminate();
        total--;
      }
      if (!list.length) this.#idle.delete(id);
    }
  }

  get idle(): number {
    return [...this.#idle.values()].reduce((n, l) => n + l.length, 0);
  }

  close(): void {
    this.#closed = true;
    for (const list of this.#idle.values()) list.forEach((t) => void t.terminate());
    this.#idle.clear();
  }
}
