// The engine's one door to a worker, local or remote: a zeromq DEALER that sends
// protocol requests and routes each reply and event to the request that asked,
// by request id. Events of a run arrive on its callback as they happen.
import { Dealer } from "zeromq";
import { tableFromIPC, type Table } from "apache-arrow";
import type { NodeEvent, Reply, Request, RunSummary } from "../../worker/protocol.js";
import type { WorkerPlan } from "../../worker/plan.js";
import { decodeReply, encodeMessage } from "../../worker/wire.js";

export class WorkerError extends Error {
  override name = "WorkerError";
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RequestBody = DistributiveOmit<Request, "v" | "id">;

interface Pending {
  onReply(reply: Reply, data: Uint8Array[]): boolean; // true when the request is complete
  reject(err: Error): void;
}

export interface Preview {
  node: string;
  name: string;
  rows: number;
  table: Table;
}

export interface RunOutcome {
  summary: RunSummary;
  cancelled: boolean;
  previews: Preview[];
}

export interface WorkerClientOptions {
  /** Milliseconds without any answer (to anything, heartbeats included) before the worker counts as lost. */
  timeoutMs?: number;
  /** How often to ping the worker, which also tells it this client is alive. */
  heartbeatMs?: number;
  /** CurveZMQ: the worker's public key (pinned) and this client's key pair. */
  curve?: { serverKey: string; publicKey: string; secretKey: string };
}

export class WorkerClient {
  #socket: Dealer;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastHeard = Date.now();
  #pending = new Map<string, Pending>();
  #next = 0;
  #sendQueue: Promise<void> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #closed = false;
  #lost: string | undefined;

  private constructor(readonly endpoint: string, readonly options: WorkerClientOptions) {
    const curve = options.curve;
    this.#socket = curve
      ? new Dealer({ linger: 0, curveServerKey: curve.serverKey, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey })
      : new Dealer({ linger: 0 });
  }

  static async connect(endpoint: string, options: WorkerClientOptions = {}): Promise<WorkerClient> {
    const client = new WorkerClient(endpoint, options);
    client.#socket.connect(endpoint);
    client.#loop = client.#receive();
    const timeoutMs = options.timeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new WorkerError("WORKER_UNREACHABLE",
        `no answer from the worker at ${endpoint} within ${timeoutMs / 1000} s: it is not running or not reachable, or it refused this client ` +
        `(a remote worker needs CURVE keys: LAKELOOP_WORKER_KEY with its public key, LAKELOOP_CLIENT_KEY with a key pair it allows)`)), timeoutMs);
    });
    try {
      await Promise.race([client.request({ type: "hello", session: `${process.pid}-${Date.now()}` }), silent]);
    } catch (err) {
      await client.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    client.#startHeartbeat(options.heartbeatMs ?? 2000, timeoutMs);
    return client;
  }

  /** Pings on a timer; a worker that answers nothing for `timeoutMs` is lost. */
  #startHeartbeat(everyMs: number, timeoutMs: number): void {
    // Lost means: a ping went out and nothing at all came back for `timeoutMs` since. (Not
    // "nothing heard lately": a busy client's own event loop may have kept it from listening.)
    let unanswered: number | undefined;
    this.#heartbeat = setInterval(() => {
      if (this.#closed || this.#lost) return;
      const now = Date.now();
      if (unanswered !== undefined && this.#lastHeard < unanswered && now - unanswered > timeoutMs) {
        return this.markLost(`no answer to heartbeats for ${(timeoutMs / 1000).toFixed(0)} s`);
      }
      if (unanswered === undefined || this.#lastHeard >= unanswered) unanswered = now;
      this.request({ type: "ping" }).catch(() => {});
    }, everyMs);
    this.#heartbeat.unref();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#socket.close();
    for (const pending of this.#pending.values()) pending.reject(new WorkerError("WORKER_CLOSED", "the worker connection was closed"));
    this.#pending.clear();
    await this.#loop?.catch(() => {});
  }

  /** Why the worker counts as gone (its process exited, it stopped answering), if it does. */
  get lost(): string | undefined {
    return this.#lost;
  }

  /** The worker is gone: every request in flight fails now, and later ones at once. */
  markLost(reason: string): void {
    if (this.#lost || this.#closed) return;
    this.#lost = reason;
    for (const pending of this.#pending.values()) pending.reject(new WorkerError("WORKER_LOST", `the worker was lost: ${reason}`));
    this.#pending.clear();
  }

  /** One request, one reply (any `error` reply rejects). */
  request<T extends Reply = Reply>(body: RequestBody): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#dispatch(body, {
        onReply: (reply) => {
          if (reply.type === "error") reject(new WorkerError(reply.error.code, reply.error.message));
          else resolve(reply as T);
          return true;
        },
        reject,
      });
    });
  }

  /** Runs a plan; `onEvent` sees node events as they stream in. Returns its id for cancel via the callback. */
  run(plan: WorkerPlan, onEvent: (event: NodeEvent) => void, options: { previewRows?: number; onStart?: (runId: string) => void } = {}): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve, reject) => {
      const previews: Preview[] = [];
      const id = this.#dispatch({ type: "run", plan, previewRows: options.previewRows }, {
        onReply: (reply, data) => {
          switch (reply.type) {
            case "event":
              onEvent(reply.event);
              return false;
            case "preview":
              previews.push({ node: reply.node, name: reply.name, rows: reply.rows, table: tableFromIPC(data[0]!) });
              return false;
            case "run-finished":
              resolve({ summary: reply.summary, cancelled: reply.cancelled, previews });
              return true;
            case "error":
              reject(new WorkerError(reply.error.code, reply.error.message));
              return true;
            default:
              return false;
          }
        },
        reject,
      });
      options.onStart?.(id);
    });
  }

  cancel(runId: string): Promise<Reply> {
    return this.request({ type: "cancel", run: runId });
  }

  /** Streams a resident output back as Arrow record batches. */
  fetch(node: string, batchRows?: number): Promise<Table[]> {
    return new Promise<Table[]>((resolve, reject) => {
      const parts: Table[] = [];
      this.#dispatch({ type: "fetch", node, batchRows }, {
        onReply: (reply, data) => {
          if (reply.type === "batch") parts.push(tableFromIPC(data[0]!));
          else if (reply.type === "fetch-finished") { resolve(parts); return true; }
          else if (reply.type === "error") { reject(new WorkerError(reply.error.code, reply.error.message)); return true; }
          return false;
        },
        reject,
      });
    });
  }

  #dispatch(body: RequestBody, pending: Pending): string {
    if (this.#closed || this.#lost) {
      pending.reject(this.#lost ? new WorkerError("WORKER_LOST", `the worker was lost: ${this.#lost}`) : new WorkerError("WORKER_CLOSED", "the worker connection is closed"));
      return "";
    }
    const id = `r${++this.#next}`;
    this.#pending.set(id, pending);
    const frames = encodeMessage({ ...body, v: 1, id } as Request);
    this.#sendQueue = this.#sendQueue
      .then(() => this.#socket.send(frames))
      .catch((err: unknown) => {
        this.#pending.delete(id);
        pending.reject(new WorkerError("WORKER_SEND", `could not reach the worker at ${this.endpoint}: ${(err as Error).message}`));
      });
    return id;
  }

  async #receive(): Promise<void> {
    try {
      for await (const frames of this.#socket) {
        this.#lastHeard = Date.now();
        const decoded = decodeReply(frames);
        if (!decoded.ok) {
          const pending = this.#pending.get(decoded.id);
          if (pending) {
            this.#pending.delete(decoded.id);
            pending.reject(new WorkerError(decoded.error.code, decoded.error.message));
          }
          continue;
        }
        const pending = this.#pending.get(decoded.message.id);
        if (pending && pending.onReply(decoded.message, decoded.data)) this.#pending.delete(decoded.message.id);
      }
    } catch (err) {
      if (!this.#closed) for (const p of this.#pending.values()) p.reject(new WorkerError("WORKER_LOST", (err as Error).message));
    }
  }
}
