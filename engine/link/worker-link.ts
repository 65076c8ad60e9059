// The session's hold on its worker across the worker's death: a local worker whose
// process exits is noticed at once (its exit event), a remote one when its connection
// drops or its heartbeats go unanswered; either way the next request starts a new local
// worker or reconnects (retrying for a while: a restarted worker takes seconds to come
// back), and the session re-plans against what the worker now holds. Outputs it lost run
// again, cheaply, because the scans they read come from the disk cache.
import { spawnLocalWorker, type LocalWorker } from "./local-worker.js";
import { reconnectWorker } from "./reconnect.js";
import type { RemoteWorker } from "./remote-worker.js";
import { WorkerClient, WorkerError } from "./worker-client.js";

export class WorkerLink {
  #client: WorkerClient;
  #local: LocalWorker | undefined;
  #replacing: Promise<{ client: WorkerClient; notice?: string }> | undefined;

  private constructor(client: WorkerClient, local: LocalWorker | undefined, readonly remote: RemoteWorker | undefined, readonly lake: string, readonly env: NodeJS.ProcessEnv) {
    this.#client = client;
    this.#local = local;
  }

  /** Connects to `remote`, or spawns a local worker for `lake` when there is none. */
  static async open(remote: RemoteWorker | undefined, lake: string, env: NodeJS.ProcessEnv): Promise<WorkerLink> {
    const local = remote ? undefined : await spawnLocalWorker(lake, env);
    const client = remote ? await WorkerClient.connect(remote.endpoint, remote.options) : await WorkerClient.connect(local!.endpoint, local!.client);
    try {
      checkLake(client, lake);
    } catch (err) {
      await client.close();
      await local?.stop();
      throw err;
    }
    const link = new WorkerLink(client, local, remote, lake, env);
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
    if (!this.#client.lost) return { client: this.#client };
    // Requests that find the worker lost at once share one replacement.
    this.#replacing ??= this.#replace().finally(() => { this.#replacing = undefined; });
    return this.#replacing;
  }

  async #replace(): Promise<{ client: WorkerClient; notice?: string }> {
    const lost = this.#client.lost;
    await this.#client.close();
    await this.#local?.stop();
    if (this.remote) {
      this.#client = await reconnectWorker(this.remote.endpoint, this.remote.options, this.remote.reconnectMs);
    } else {
      this.#local = await spawnLocalWorker(this.lake, this.env);
      this.#client = await WorkerClient.connect(this.#local.endpoint, this.#local.client);
    }
    checkLake(this.#client, this.lake);
    this.#watch();
    const what = this.remote ? `reconnected to ${this.remote.endpoint}` : "started a new local worker";
    return { client: this.#client, notice: `the worker was lost (${lost}); ${what} and re-planned: what it no longer holds runs again, its scans from the disk cache` };
  }

  async close(): Promise<void> {
    await this.#replacing?.catch(() => {});
    await this.#client.close();
    await this.#local?.stop();
  }

  #watch(): void {
    const local = this.#local;
    const client = this.#client;
    local?.process.once("exit", (code, signal) => client.markLost(`the local worker process exited (${signal ?? `code ${code}`})`));
  }
}

/**
 * A worker answers for the lake it opened. A session planning on another lake would get
 * answers about other tables (or none), so it is refused at connect time.
 */
function checkLake(client: WorkerClient, lake: string): void {
  const served = client.welcome?.lake;
  if (served && served !== lake) {
    client.markLost("it serves another lake");
    throw new WorkerError("WORKER_OTHER_LAKE", `the worker at ${client.endpoint} serves the lake ${served}, but this session's lake is ${lake}: ` +
      `open the session on ${served} (--lake or LAKELOOP_LAKE), or use a worker started on ${lake}`);
  }
}
