// The Jupyter kernel: five zeromq sockets (shell, control, stdin as ROUTER; iopub as
// PUB; heartbeat as REP), signed messages, and the request handlers of messaging 5.3.
// Shell requests run one at a time, each wrapped in status busy ... idle on iopub;
// control requests (interrupt, shutdown) are answered at once, even during a long cell.
import { readFile } from "node:fs/promises";
import { Publisher, Reply, Router } from "zeromq";
import ts from "typescript";
import { Executor } from "./executor.js";
import { History } from "./history.js";
import { cellCompleteness } from "../engine/cells/cell-completeness.js";
import { decodeMessage, encodeMessage, newHeader, PROTOCOL_VERSION, Signer, WireError, type Header, type Message } from "./wire.js";

// TypeScript highlighting as both editors read it: CodeMirror 5 (the classic Notebook,
// which has no "typescript" mode, only javascript with a typescript flag) and
// CodeMirror 6 (JupyterLab 4, Notebook 7), which looks the language up by name.
const CODEMIRROR_MODE = { name: "javascript", typescript: true };

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

export interface KernelOptions {
  connection: ConnectionInfo;
  lake?: string;
  env?: NodeJS.ProcessEnv;
  /** The lake is the embedded default: its sample data is written in the first cell run. */
  sampleOnFirstUse?: boolean;
  log?: (line: string) => void;
}

export class Kernel {
  readonly session = `lakeloop-${process.pid}-${Date.now()}`;
  readonly #signer: Signer;
  readonly #shell = new Router({ linger: 0 });
  readonly #control = new Router({ linger: 0 });
  readonly #stdin = new Router({ linger: 0 });
  readonly #iopub = new Publisher({ linger: 0 });
  readonly #hb = new Reply({ linger: 0 });
  readonly #history = new History(1);
  readonly #queue: Message[] = [];
  #executionCount = 0;
  #executor!: Executor;
  #sendQueue: Promise<unknown> = Promise.resolve();
  #draining = false;
  #closed = false;
  #done!: () => void;
  readonly finished = new Promise<void>((resolve) => { this.#done = resolve; });

  constructor(readonly options: KernelOptions) {
    this.#signer = new Signer(options.connection.key, options.connection.signature_scheme);
  }

  static async fromConnectionFile(file: string, options: Omit<KernelOptions, "connection"> = {}): Promise<Kernel> {
    const connection = JSON.parse(await readFile(file, "utf8")) as ConnectionInfo;
    return new Kernel({ ...options, connection });
  }

  async start(): Promise<void> {
    const c = this.options.connection;
    const url = (port: number) => `${c.transport}://${c.ip}:${port}`;
    await Promise.all([
      this.#shell.bind(url(c.shell_port)), this.#control.bind(url(c.control_port)), this.#stdin.bind(url(c.stdin_port)),
      this.#iopub.bind(url(c.iopub_port)), this.#hb.bind(url(c.hb_port)),
    ]);
    this.#executor = await Executor.create({
      lake: this.options.lake, env: this.options.env, sampleOnFirstUse: this.options.sampleOnFirstUse,
      publish: (type, content, parent, metadata) => this.#publish(type, content, parent, metadata),
      input: (prompt, password, parent) => this.#input(prompt, password, parent),
    });
    void this.#heartbeat();
    void this.#serve(this.#control, true);
    void this.#serve(this.#shell, false);
    this.#publish("status", { execution_state: "starting" }, {});
  }

  async #heartbeat(): Promise<void> {
    try {
      for await (const frames of this.#hb) await this.#hb.send(frames);
    } catch { /* closed */ }
  }

  async #serve(socket: Router, control: boolean): Promise<void> {
    try {
      for await (const frames of socket) {
        let message: Message;
        try {
          message = decodeMessage(frames as Buffer[], this.#signer);
        } catch (err) {
          this.#log(`${err instanceof WireError ? "refused" : "could not read"} a ${control ? "control" : "shell"} message: ${(err as Error).message}`);
          continue;
        }
        if (control) void this.#handle(socket, message);
        else {
          this.#queue.push(message);
          void this.#drain(socket);
        }
      }
    } catch (err) {
      if (!this.#closed) this.#log(`socket failed: ${(err as Error).message}`);
    }
  }

  async #drain(socket: Router): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length) await this.#handle(socket, this.#queue.shift()!);
    } finally {
      this.#draining = false;
    }
  }

  #send(socket: Router | Publisher, frames: Buffer[]): Promise<void> {
    const next = this.#sendQueue.then(() => (this.#closed ? undefined : socket.send(frames)));
    this.#sendQueue = next.catch(() => {});
    return next as Promise<void>;
  }

  #publish(type: string, content: unknown, parent: Partial<Header>, metadata: Record<string, unknown> = {}): Promise<void> {
    const topic = Buffer.from(`kernel.${this.session}.${type}`);
    return this.#send(this.#iopub, encodeMessage(this.#signer, [topic], newHeader(type, this.session), parent, content, metadata));
  }

  #reply(socket: Router, request: Message, type: string, content: unknown): Promise<void> {
    return this.#send(socket, encodeMessage(this.#signer, request.identities, newHeader(type, this.session), request.header, content));
  }

  async #input(prompt: string, password: boolean, parent: Message): Promise<string> {
    await this.#reply(this.#stdin, parent, "input_request", { prompt, password });
    for await (const frames of this.#stdin) {
      const message = decodeMessage(frames as Buffer[], this.#signer);
      if (message.header.msg_type === "input_reply") return String(message.content.value ?? "");
    }
    return "";
  }

  async #handle(socket: Router, request: Message): Promise<void> {
    const type = request.header.msg_type;
    const content = request.content as Record<string, unknown>;
    await this.#publish("status", { execution_state: "busy" }, request.header);
    try {
      switch (type) {
        case "kernel_info_request":
          await this.#reply(socket, request, "kernel_info_reply", {
            status: "ok", protocol_version: PROTOCOL_VERSION, implementation: "lakeloop", implementation_version: "0.1.0",
            language_info: { name: "typescript", version: ts.version, mimetype: "text/typescript", file_extension: ".ts", codemirror_mode: CODEMIRROR_MODE, pygments_lexer: "typescript" },
            banner: `lakeloop — TypeScript and %%sql models over the Iceberg lake at ${this.#executor.session.lake}. %help for magics.`,
            help_links: [], debugger: false,
          });
          break;
        case "execute_request":
          await this.#execute(socket, request, content);
          break;
        case "is_complete_request": {
          const status = cellCompleteness(String(content.code ?? ""));
          await this.#reply(socket, request, "is_complete_reply", status === "incomplete" ? { status, indent: "" } : { status });
          break;
        }
        case "complete_request":
          await this.#reply(socket, request, "complete_reply", { status: "ok", ...(await this.#executor.complete(String(content.code ?? ""), Number(content.cursor_pos ?? 0))), metadata: {} });
          break;
        case "inspect_request":
          await this.#reply(socket, request, "inspect_reply", { status: "ok", ...(await this.#executor.inspect(String(content.code ?? ""), Number(content.cursor_pos ?? 0))), metadata: {} });
          break;
        case "history_request":
          await this.#reply(socket, request, "history_reply", { status: "ok", history: this.#history.query(content) });
          break;
        case "comm_info_request":
          await this.#reply(socket, request, "comm_info_reply", { status: "ok", comms: {} });
          break;
        case "interrupt_request":
          this.#executor.interrupt();
          await this.#reply(socket, request, "interrupt_reply", { status: "ok" });
          break;
        case "shutdown_request":
          await this.#reply(socket, request, "shutdown_reply", { status: "ok", restart: Boolean(content.restart) });
          await this.#publish("status", { execution_state: "idle" }, request.header);
          await this.close();
          return;
        default:
          this.#log(`ignored unknown request ${type}`);
      }
    } catch (err) {
      this.#log(`failed to answer ${type}: ${(err as Error).stack ?? err}`);
    }
    await this.#publish("status", { execution_state: "idle" }, request.header);
  }

  async #execute(socket: Router, request: Message, content: Record<string, unknown>): Promise<void> {
    const code = String(content.code ?? "");
    const silent = Boolean(content.silent);
    const storeHistory = content.store_history === undefined ? !silent : Boolean(content.store_history);
    if (!silent && storeHistory) this.#executionCount++;
    const count = this.#executionCount;
    if (!silent) await this.#publish("execute_input", { code, execution_count: count }, request.header);
    const outcome = await this.#executor.execute(code, request, { silent, executionCount: count, allowStdin: Boolean(content.allow_stdin) });
    if (storeHistory) this.#history.add(code, outcome.plainResult ?? null);
    if (outcome.error) {
      // Cells queued behind a failed one are aborted, as a notebook expects: those queued
      // before its reply goes out. A cell sent after the client saw the error (taken while
      // the reply is being written) is a new request and runs.
      const aborted = content.stop_on_error !== false ? this.#queue.filter((m) => m.header.msg_type === "execute_request") : [];
      await this.#reply(socket, request, "execute_reply", { status: "error", execution_count: count, ...outcome.error });
      if (aborted.length) {
        // An aborted reply has no other field (messaging spec): no execution count, so
        // front ends show these cells as never run ("In [ ]:"), not as the failed cell's number.
        for (const m of aborted) {
          this.#queue.splice(this.#queue.indexOf(m), 1);
          await this.#publish("status", { execution_state: "busy" }, m.header);
          await this.#reply(socket, m, "execute_reply", { status: "aborted" });
          await this.#publish("status", { execution_state: "idle" }, m.header);
        }
      }
    } else {
      await this.#reply(socket, request, "execute_reply", { status: "ok", execution_count: count, user_expressions: {}, payload: outcome.payload ?? [] });
    }
  }

  interrupt(): void {
    this.#executor?.interrupt();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#sendQueue;
    this.#closed = true;
    await this.#executor?.close();
    for (const s of [this.#shell, this.#control, this.#stdin, this.#iopub, this.#hb]) s.close();
    this.#done();
  }

  #log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`[lakeloop kernel] ${l}\n`)))(line);
  }
}
