// The data-plane process's front door: a zeromq ROUTER that speaks the worker
// protocol. It runs plans (one AbortController per run so `cancel` stops it), streams
// node events and previews back to the requesting client, serves fetches of resident
// outputs as Arrow IPC record batches, and answers every malformed or foreign message
// with an error reply while it keeps serving.
//
// Off loopback it speaks only CurveZMQ, to clients in its allow list. A session's own
// worker listens on a private ipc:// socket and admits only clients that give the
// session's password (ZMQ's PLAIN mechanism, checked by the ZAP handler). Clients are keyed
// by their zeromq routing id: runs, cancels and liveness are per client, so sessions
// sharing the worker never touch each other's runs, and a client silent for longer than
// the client timeout has vanished — its runs are cancelled and it is forgotten.
import { Router } from "zeromq";
import { tableToIPC, type Table } from "apache-arrow";
import { executePlan, type ExecuteOptions, type RunNode } from "./execute-plan.js";
import { isLoopbackEndpoint } from "../secrets/loopback.js";
import { PROTOCOL_VERSION, type CacheStatus, type ErrorInfo, type Reply, type Request } from "../protocol/messages.js";
import { redact, secretsOf } from "../secrets/redact.js";
import { createRefusalLog, hostOf } from "./refusal-log.js";
import { ResidentStore } from "./resident.js";
import { shareNodeRuns } from "./share-node-runs.js";
import { sliceRows } from "./slice-rows.js";
import { decodeRequest, encodeMessage } from "../protocol/wire.js";
import { registerGate, type ZapRegistration } from "./zap.js";

export interface WorkerServices {
  runNode: RunNode;
  /** Writes a reused output to its table unless the table (on the run's branch) holds it already. */
  materializeReused?: ExecuteOptions["materializeReused"];
  /** Cache diff of scans, answered from the worker's cache (the worker view of a plan). */
  diff?(scans: Extract<Request, { type: "diff" }>["scans"]): Promise<Extract<Reply, { type: "diff" }>["diffs"]>;
  cacheStatus?(): Promise<CacheStatus>;
  /** Which path SQL nodes take into DuckDB (native bridge or JavaScript), and why. */
  engine?(): { sql: "native" | "js"; reason: string };
  /** A model wrote to these buffers: drop every cached fragment held in them. */
  dropDamaged?(buffers: Set<ArrayBufferLike>): void;
  close?(): Promise<void>;
}

export interface WorkerServerOptions {
  /** zeromq endpoint to bind, e.g. tcp://127.0.0.1:0 (port 0 picks a free port). */
  listen: string;
  services: WorkerServices;
  /** Byte budget of resident outputs. */
  memoryBudget: number;
  previewRows?: number;
  concurrency?: number;
  log?: (line: string) => void;
  /**
   * CurveZMQ: the worker's secret key and the public keys of the clients it accepts
   * (read at each handshake: changing the set changes who may connect next).
   */
  curve?: { secretKey: string; allow: Set<string> };
  /**
   * A session's own worker: clients must give this password (ZMQ PLAIN). Plaintext, so
   * only on a socket no one else can reach (a private ipc:// socket); never with `curve`.
   */
  password?: string;
  /** A client silent this long (no request, no ping) is gone: its runs are cancelled. */
  clientTimeoutMs?: number;
  /** The lake this worker serves, told to clients so a session on another lake is refused. */
  lake?: string;
  /** Values never to let out in logs or error replies (default: credential-like environment values). */
  secrets?: string[];
}

export class WorkerServer {
  readonly resident: ResidentStore;
  #router: Router | undefined;
  #runNode: RunNode;
  #runs = new Map<string, { abort: AbortController; client: string }>();
  /** When each client (by routing id) was last heard from. */
  #lastSeen = new Map<string, number>();
  #sweep: NodeJS.Timeout | undefined;
  #zap: ZapRegistration | undefined;
  #refused: (host: string, reason: string) => void;
  #secrets: string[];
  #sendQueue: Promise<void> = Promise.resolve();
  #endpoint = "";
  #closed = false;
  #loop: Promise<void> | undefined;

  constructor(readonly options: WorkerServerOptions) {
    this.resident = new ResidentStore(options.memoryBudget);
    this.#runNode = shareNodeRuns(options.services.runNode);
    this.#secrets = options.secrets ?? secretsOf(process.env, [...(options.curve ? [options.curve.secretKey] : []), ...(options.password ? [options.password] : [])]);
    this.#refused = createRefusalLog((line) => this.#log(line));
  }

  get endpoint(): string {
    return this.#endpoint;
  }

  get clientTimeoutMs(): number {
    return this.options.clientTimeoutMs ?? 10_000;
  }

  /** Binds and starts serving; resolves with the bound endpoint (the real port when 0 was asked). */
  async start(): Promise<string> {
    const { listen, curve, password } = this.options;
    if (!curve && !isLoopbackEndpoint(listen)) {
      throw new Error(`a worker listening on ${listen} (not loopback) must use CURVE: give it a key pair and an allow list of client keys`);
    }
    if (curve && password) throw new Error("a worker admits clients by CURVE key or by password, not both");
    const timeout = this.clientTimeoutMs;
    // ZMTP heartbeats, answered by zeromq's I/O thread: a peer whose connection is dead
    // (host gone, network cut) is dropped with everything queued for it.
    const heartbeats = { heartbeatInterval: Math.min(2000, timeout / 2), heartbeatTimeout: timeout, heartbeatTimeToLive: timeout };
    // Replies to a slow client wait in its queue rather than being dropped at the default
    // 1,000 messages; a dead client's queue goes with its connection (heartbeats above).
    const common = { linger: 0, sendHighWaterMark: 100_000, ...heartbeats };
    if (curve) {
      this.#zap = await registerGate({ kind: "curve", allow: curve.allow }, this.#refused);
      this.#router = new Router({ ...common, curveServer: true, curveSecretKey: curve.secretKey, zapDomain: this.#zap.domain, zapEnforceDomain: true });
      void this.#watchHandshakes(this.#router);
    } else if (password) {
      this.#zap = await registerGate({ kind: "plain", password }, this.#refused);
      this.#router = new Router({ ...common, plainServer: true, zapDomain: this.#zap.domain, zapEnforceDomain: true });
      void this.#watchHandshakes(this.#router);
    } else {
      this.#router = new Router(common);
    }
    try {
      await this.#router.bind(listen);
    } catch (err) {
      this.#router.close();
      this.#zap?.close();
      throw new Error(`cannot listen on ${listen}: ${(err as Error).message}`);
    }
    this.#sweep = setInterval(() => this.#dropSilentClients(timeout), Math.min(2000, timeout / 2));
    this.#sweep.unref();
    this.#endpoint = this.#router.lastEndpoint ?? listen;
    this.#loop = this.#serve(this.#router);
    return this.#endpoint;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#sweep) clearInterval(this.#sweep);
    for (const run of this.#runs.values()) run.abort.abort();
    this.#router?.close();
    this.#zap?.close();
    await this.#loop?.catch(() => {});
    await this.options.services.close?.();
  }

  async #serve(router: Router): Promise<void> {
    try {
      for await (const [client, ...frames] of router) {
        if (!client) continue;
        this.#lastSeen.set(client.toString("hex"), Date.now());
        const decoded = decodeRequest(frames);
        if (!decoded.ok) {
          this.#log(`rejected a message: ${decoded.error.message}`);
          this.#send(client, { type: "error", id: decoded.id, error: decoded.error });
          continue;
        }
        // Each request is handled on its own so a long run never blocks pings or cancels.
        void this.#handle(client, decoded.message).catch((err: unknown) => {
          this.#send(client, { type: "error", id: decoded.message.id, error: errorInfo(err) });
        });
      }
    } catch (err) {
      if (!this.#closed) this.#log(`worker socket failed: ${(err as Error).message}`);
    }
  }

  async #handle(client: Buffer, request: Request): Promise<void> {
    const reply = (message: Reply, data?: Uint8Array[]) => this.#send(client, message, data);
    switch (request.type) {
      case "hello":
        return reply({
          type: "welcome", id: request.id,
          worker: { pid: process.pid, version: String(PROTOCOL_VERSION), memoryBudget: this.resident.budgetBytes, ...(this.options.lake ? { lake: this.options.lake } : {}) },
        });
      case "ping":
        return reply({ type: "pong", id: request.id });
      case "has":
        return reply({ type: "has", id: request.id, resident: request.nodes.filter((n) => this.resident.has(n)) });
      case "release":
        request.nodes.forEach((n) => this.resident.delete(n));
        return reply({ type: "ok", id: request.id });
      case "status":
        return reply({
          type: "status", id: request.id,
          resident: this.resident.list().map((o) => ({ node: o.node, name: o.name, rows: o.table.numRows, bytes: o.bytes })),
          memoryBytes: this.resident.bytes, memoryBudget: this.resident.budgetBytes, cache: (await this.options.services.cacheStatus?.()) ?? null,
          engine: this.options.services.engine?.() ?? null,
          process: { rssBytes: process.memoryUsage().rss, maxRssBytes: process.resourceUsage().maxRSS * 1024 },
          runs: this.#runs.size, clients: this.#lastSeen.size,
        });
      case "diff": {
        const diffs = this.options.services.diff ? await this.options.services.diff(request.scans) : [];
        return reply({ type: "diff", id: request.id, diffs });
      }
      case "cancel":
        this.#runs.get(`${client.toString("hex")}/${request.run}`)?.abort.abort();
        return reply({ type: "ok", id: request.id });
      case "fetch":
        return this.#fetch(request, reply);
      case "run":
        return this.#run(request, reply, client.toString("hex"));
      case "bye":
        this.#forget(client.toString("hex"), "said bye");
        return reply({ type: "ok", id: request.id });
    }
  }

  /** Cancels the runs of clients not heard from within `timeoutMs` (they vanished). */
  #dropSilentClients(timeoutMs: number): void {
    const now = Date.now();
    for (const [client, seen] of this.#lastSeen) if (now - seen > timeoutMs) this.#forget(client, `silent for ${((now - seen) / 1000).toFixed(0)} s`);
  }

  #forget(client: string, why: string): void {
    this.#lastSeen.delete(client);
    let cancelled = 0;
    for (const run of this.#runs.values()) {
      if (run.client !== client) continue;
      run.abort.abort();
      cancelled++;
    }
    if (cancelled) this.#log(`client ${client.slice(0, 8)} ${why}: cancelled its ${cancelled} run(s)`);
  }

  /**
   * Handshakes that fail before authentication (a client without CURVE, or one that
   * pinned another worker's key) never reach the ZAP handler: log them here. Refusals
   * by the allow list were logged by the ZAP handler already.
   */
  async #watchHandshakes(router: Router): Promise<void> {
    try {
      for await (const event of router.events) {
        if (event.type === "handshake:error:protocol" || event.type === "handshake:error:other") {
          const mechanism = this.options.curve ? "CURVE" : "PLAIN";
          const why = event.type === "handshake:error:protocol"
            ? (this.options.curve ? "it does not speak CURVE, or speaks it with another worker's key" : "it does not give the session's password")
            : `the ${mechanism} handshake failed`;
          this.#refused(hostOf(event.address), `${why} (${event.error.message})`);
        }
      }
    } catch {
      // socket closed
    }
  }

  async #run(request: Extract<Request, { type: "run" }>, reply: (m: Reply, d?: Uint8Array[]) => void, client: string): Promise<void> {
    const abort = new AbortController();
    // Run ids are chosen by clients: keyed with the client, two sessions never collide.
    const key = `${client}/${request.id}`;
    this.#runs.set(key, { abort, client });
    try {
      const summary = await executePlan(request.plan, {
        resident: this.resident,
        runNode: this.#runNode,
        materializeReused: this.options.services.materializeReused,
        emit: (event) => reply({ type: "event", id: request.id, event }),
        signal: abort.signal,
        concurrency: this.options.concurrency,
        onDamaged: (buffers) => {
          this.options.services.dropDamaged?.(buffers);
          return this.resident.deleteSharing(buffers);
        },
      });
      const rows = request.previewRows ?? this.options.previewRows ?? 20;
      for (const target of request.plan.targets) {
        const output = this.resident.get(target);
        if (!output) continue;
        const from = request.previewFrom === "tail" ? Math.max(0, output.table.numRows - rows) : 0;
        reply(
          { type: "preview", id: request.id, node: target, name: output.name, rows: output.table.numRows, schema: schemaOf(output.table) },
          [tableToIPC(sliceRows(output.table, from, from + rows), "stream")],
        );
      }
      const { cancelled, ...rest } = summary;
      reply({ type: "run-finished", id: request.id, summary: rest, cancelled });
    } finally {
      this.#runs.delete(key);
    }
  }

  async #fetch(request: Extract<Request, { type: "fetch" }>, reply: (m: Reply, d?: Uint8Array[]) => void): Promise<void> {
    const output = this.resident.get(request.node);
    if (!output) {
      return reply({ type: "error", id: request.id, error: { code: "NOT_RESIDENT", message: `node ${request.node} is not resident on this worker (never run, or evicted); run it again` } });
    }
    const batchRows = Math.max(1, request.batchRows ?? 65_536);
    let index = 0;
    for (let offset = 0; offset < output.table.numRows || (offset === 0 && index === 0); offset += batchRows) {
      reply({ type: "batch", id: request.id, node: request.node, index }, [tableToIPC(sliceRows(output.table, offset, offset + batchRows), "stream")]);
      index++;
      if (output.table.numRows === 0) break;
      // A big result is many batches: let pings (and everyone else's requests) through
      // between them, or clients would take a long fetch for a dead worker.
      await new Promise((resolve) => setImmediate(resolve));
    }
    reply({ type: "fetch-finished", id: request.id, node: request.node, rows: output.table.numRows, batches: index });
  }

  /**
   * zeromq sockets allow one send at a time: sends are queued in order. Every error
   * that leaves (an error reply, a failed node) is redacted here, whichever path made it.
   */
  #send(client: Buffer, message: Reply, data?: Uint8Array[]): void {
    const frames = [client, ...encodeMessage(this.#redactReply(message), data)];
    this.#sendQueue = this.#sendQueue.then(
      () => (this.#closed || !this.#router ? undefined : this.#router.send(frames)),
    ).catch((err: unknown) => this.#log(`could not send ${message.type}: ${(err as Error).message}`));
  }

  #redactReply(message: Reply): Reply {
    const scrub = (error: ErrorInfo): ErrorInfo => ({
      ...error, message: redact(error.message, this.#secrets), ...(error.stack ? { stack: redact(error.stack, this.#secrets) } : {}),
    });
    if (message.type === "error") return { ...message, error: scrub(message.error) };
    if (message.type === "event" && message.event.type === "node-failed") return { ...message, event: { ...message.event, error: scrub(message.event.error) } };
    return message;
  }

  /** Everything the worker logs is redacted, whoever supplied the log function. */
  #log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`[worker] ${l}\n`)))(redact(line, this.#secrets));
  }
}

function schemaOf(table: Table): { name: string; type: string }[] {
  return table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
}

export function errorInfo(err: unknown): ErrorInfo {
  const e = err as Error & { code?: unknown };
  return { code: typeof e?.code === "string" ? e.code : "WORKER_ERROR", message: e?.message ?? String(err) };
}
