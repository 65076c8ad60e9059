// The engine's one door to a worker, local or remote: a zeromq DEALER that sends
// protocol requests and routes each reply and event to the request that asked,
// by request id. Events of a run arrive on its callback as they happen.
//
// A worker is lost when its process exits (the link watches a local one), when the
// connection drops after it was up, or when heartbeats go unanswered. Lost is final for
// this client: every request in flight fails at once with WORKER_LOST, and the session
// connects a new client (see worker-link.ts). There is no resuming on a reconnected
// socket: the worker routes replies by the connection's routing id, which a reconnection
// changes, so whatever was in flight on the old connection can never arrive.
import { Dealer } from "zeromq";
import { tableFromIPC, type Table } from "apache-arrow";
import type { NodeEvent, Reply, Request, RunSummary } from "../../protocol/messages.js";
import type { WorkerPlan } from "../../protocol/plan.js";
import { decodeReply, encodeMessage } from "../../protocol/wire.js";
import { startHeartbeat } from "./heartbeat.js";

export class WorkerError extends Error {
  override name = "WorkerError";
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RequestBody = DistributiveOmit<Request, "v" | "id">;
export type Welcome = Extract<Reply, { type: "welcome" }>["worker"];

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
  /** How long `connect` waits for the worker's welcome (default `timeoutMs`). */
  connectTimeoutMs?: number;
  /** CurveZMQ: the worker's public key (pinned) and this client's key pair. */
  curve?: { serverKey: string; publicKey: string; secretKey: string };
  /** A session's own worker: the password it was handed (ZMQ PLAIN, on its private ipc:// socket). */
  password?: string;
}

const KEY_HELP = "a remote worker needs CURVE keys: LAKELOOP_WORKER_KEY with its public key, LAKELOOP_CLIENT_KEY with a key pair it allows";

export class WorkerClient {
  #socket: Dealer;
  #heartbeat: { stop(): void } | undefined;
  #lastHeard = Date.now();
  #pending = new Map<string, Pending>();
  #next = 0;
  #sendQueue: Promise<void> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #closed = false;
  #lost: string | undefined;
  #lostListeners: ((reason: string) => void)[] = [];
  #welcome: Welcome | undefined;
  /** The last handshake failure zeromq reported, to say why a connect got no answer. */
  #handshakeError: string | undefined;
  /** Set once a connection completed its handshake: only then does a disconnect mean "lost". */
  #connected = false;

  private constructor(readonly endpoint: string, readonly options: WorkerClientOptions) {
    const curve = options.curve;
    const timeoutMs = options.timeoutMs ?? 10_000;
    // ZMTP heartbeats (answered by zeromq's I/O thread) close a dead connection, which
    // surfaces as a disconnect below; the protocol's pings (heartbeat.ts) cover a worker
    // whose connection lives but whose process no longer answers.
    const zmtp = { heartbeatInterval: Math.min(options.heartbeatMs ?? 2000, timeoutMs / 2), heartbeatTimeout: timeoutMs, heartbeatTimeToLive: timeoutMs };
    this.#socket = curve
      ? new Dealer({ linger: 0, ...zmtp, curveServerKey: curve.serverKey, curvePublicKey: curve.publicKey, curveSecretKey: curve.secretKey })
      : options.password
        ? new Dealer({ linger: 0, ...zmtp, plainUsername: "session", plainPassword: options.password })
        : new Dealer({ linger: 0, ...zmtp });
  }

  static async connect(endpoint: string, options: WorkerClientOptions = {}): Promise<WorkerClient> {
    const client = new WorkerClient(endpoint, options);
    const timeoutMs = options.timeoutMs ?? 10_000;
    const connectMs = options.connectTimeoutMs ?? timeoutMs;
    let refuse: (err: Error) => void = () => {};
    const refused = new Promise<never>((_, reject) => { refuse = reject; });
    client.#watchConnection((err) => refuse(err));
    client.#socket.connect(endpoint);
    client.#loop = client.#receive();
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new WorkerError("WORKER_UNREACHABLE",
        `no answer from the worker at ${endpoint} within ${connectMs / 1000} s: ` +
        (client.#handshakeError
          ? `the secure handshake failed (${client.#handshakeError}); check that LAKELOOP_WORKER_KEY is this worker's public key`
          : `it is not running or not reachable, or it refused this client (${KEY_HELP})`))), connectMs);
    });
    try {
      const welcome = await Promise.race([client.request<Extract<Reply, { type: "welcome" }>>({ type: "hello", session: `${process.pid}-${Date.now()}` }), silent, refused]);
      client.#welcome = welcome.worker;
    } catch (err) {
      await client.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    client.#heartbeat = startHeartbeat({
      everyMs: options.heartbeatMs ?? 2000,
      timeoutMs,
      ping: () => void client.request({ type: "ping" }).catch(() => {}),
      lastHeard: () => client.#lastHeard,
      onSilent: (reason) => client.markLost(reason),
    });
    return client;
  }

  /**
   * zeromq reports handshakes and disconnects as socket events: a refusal by the worker
   * ends a connect at once with the reason (rather than after the timeout), and a drop
   * of an established connection means the worker is lost.
   */
  #watchConnection(refuse: (err: Error) => void): void {
    const events = this.#socket.events;
    events.on("handshake", () => { this.#connected = true; });
    events.on("handshake:error:auth", (e) => {
      refuse(new WorkerError("WORKER_REFUSED", this.options.curve
        ? `the worker at ${this.endpoint} refused this client's key (status ${e.error.status}): add the client's public key to the worker's allow list`
        : `the worker at ${this.endpoint} refused this client (status ${e.error.status}): it admits only the session that started it`));
    });
    events.on("handshake:error:protocol", (e) => {
      refuse(new WorkerError("WORKER_REFUSED", `the worker at ${this.endpoint} refused the connection (${e.error.message}): ` +
        (this.options.curve ? "it may not use CURVE, or LAKELOOP_WORKER_KEY is not its public key" : `${KEY_HELP}; a session's own worker admits only that session`)));
    });
    events.on("handshake:error:other", (e) => { this.#handshakeError = e.error.message; });
    events.on("disconnect", () => {
      if (this.#connected && this.#welcome) this.markLost(`the connection to ${this.endpoint} dropped`);
    });
  }

  /** What the worker said about itself when this client connected. */
  get welcome(): Welcome | undefined {
    return this.#welcome;
  }

  /**
   * Closes the connection, first telling the worker (`bye`) so it forgets this client
   * and cancels its runs now rather than after the client timeout.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (!this.#lost && this.#welcome) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.request({ type: "bye" }).catch(() => {}),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, 1000); }),
      ]);
      clearTimeout(timer);
    }
    this.#closed = true;
    this.#heartbeat?.stop();
    this.#socket.close();
    for (const pending of this.#pending.values()) pending.reject(new WorkerError("WORKER_CLOSED", "the worker connection was closed"));
    this.#pending.clear();
    await this.#loop?.catch(() => {});
  }

  /** Why the worker counts as gone (its process exited, it stopped answering), if it does. */
  get lost(): string | undefined {
    return this.#lost;
  }

  /** Called once, when the worker is found lost. */
  onLost(listener: (reason: string) => void): void {
    this.#lostListeners.push(listener);
  }

  /** The worker is gone: every request in flight fails now, and later ones at once. */
  markLost(reason: string): void {
    if (this.#lost || this.#closed) return;
    this.#lost = reason;
    this.#heartbeat?.stop();
    for (const pending of this.#pending.values()) pending.reject(new WorkerError("WORKER_LOST", `the worker was lost: ${reason}`));
    this.#pending.clear();
    for (const listener of this.#lostListeners) listener(reason);
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
  run(plan: WorkerPlan, onEvent: (event: NodeEvent) => void, options: { previewRows?: number; previewFrom?: "head" | "tail"; onStart?: (runId: string) => void } = {}): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve, reject) => {
      const previews: Preview[] = [];
      const id = this.#dispatch({ type: "run", plan, previewRows: options.previewRows, ...(options.previewFrom ? { previewFrom: options.previewFrom } : {}) }, {
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
      if (id) options.onStart?.(id);
    });
  }

  cancel(runId: string): Promise<Reply> {
    return this.request({ type: "cancel", run: runId });
  }

  /**
   * Streams a resident output back as Arrow record batches. The worker's closing count
   * is checked: a batch that never arrived fails the fetch rather than returning a
   * table with rows missing.
   */
  fetch(node: string, batchRows?: number): Promise<Table[]> {
    return new Promise<Table[]>((resolve, reject) => {
      const parts: Table[] = [];
      this.#dispatch({ type: "fetch", node, batchRows }, {
        onReply: (reply, data) => {
          if (reply.type === "batch") parts.push(tableFromIPC(data[0]!));
          else if (reply.type === "fetch-finished") {
            const rows = parts.reduce((n, t) => n + t.numRows, 0);
            if (parts.length !== reply.batches || rows !== reply.rows) {
              reject(new WorkerError("FETCH_INCOMPLETE", `fetching ${node}: ${parts.length} of ${reply.batches} batches (${rows} of ${reply.rows} rows) arrived; fetch it again`));
            } else resolve(parts);
            return true;
          } else if (reply.type === "error") { reject(new WorkerError(reply.error.code, reply.error.message)); return true; }
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
    const frames = encodeMessage({ ...body, id } as Request);
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
      if (!this.#closed) this.markLost(`the connection failed: ${(err as Error).message}`);
    }
  }
}
