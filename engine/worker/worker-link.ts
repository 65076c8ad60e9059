// The session's hold on its worker across the worker's death: a local worker whose
// process exits is noticed at once (its exit event), a remote one when its connection
// fails; either way the next request starts a new local worker or reconnects, and the
// session re-plans against the new worker's (empty) memory. Outputs it held run again,
// cheaply, because the scans they read come from the disk cache.
import { spawnLocalWorker, type LocalWorker } from "./local-worker.js";
import { WorkerClient, type WorkerClientOptions } from "./worker-client.js";

export class WorkerLink {
  #client: WorkerClient;
  #local: LocalWorker | undefined;

  private constructor(client: WorkerClient, local: LocalWorker | undefined, readonly remote: string | undefined, readonly lake: string, readonly env: NodeJS.ProcessEnv, readonly clientOptions: WorkerClientOptions) {
    this.#client = client;
    this.#local = local;
  }

  /** Connects to `remote`, or spawns a local worker for `lake` when there is none. */
  static async open(remote: string | undefined, lake: string, env: NodeJS.ProcessEnv, clientOptions: WorkerClientOptions = {}): Promise<WorkerLink> {
    const local = remote ? undefined : await spawnLocalWorker(lake, env);
    const client = await WorkerClient.connect(remote ?? local!.endpoint, remote ? clientOptions : {});
    const link = new WorkerLink(client, local, remote, lake, env, clientOptions);
    link.#watch();
    return link;
  }

  get client(): WorkerClient {
    return this.#client;
  }

  get local(): LocalWorker | undefined {
    return this.#local;
  }

  /** A live client; when the last worker was lost, a new one and what happened, in words. */
  async ready(): Promise<{ client: WorkerClient; notice?: string }> {
    const lost = this.#client.lost;
    if (!lost) return { client: this.#client };
    await this.#client.close();
    await this.#local?.stop();
    this.#local = this.remote ? undefined : await spawnLocalWorker(this.lake, this.env);
    this.#client = await WorkerClient.connect(this.remote ?? this.#local!.endpoint, this.remote ? this.clientOptions : {});
    this.#watch();
    const what = this.remote ? `reconnected to ${this.remote}` : "started a new local worker";
    return { client: this.#client, notice: `the worker was lost (${lost}); ${what} and re-planned: what it held runs again, its scans from the disk cache` };
  }

  async close(): Promise<void> {
    await this.#client.close();
    await this.#local?.stop();
  }

  #watch(): void {
    const local = this.#local;
    const client = this.#client;
    local?.process.once("exit", (code, signal) => client.markLost(`the local worker process exited (${signal ?? `code ${code}`})`));
  }
}
