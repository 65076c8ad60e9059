// Reaching a remote worker again after it was lost. A worker under systemd comes back
// within seconds of a crash (Restart=on-failure), and a network cut heals on its own, so
// the session keeps trying for a while instead of failing the user's next run at the
// first refused TCP connection. A refusal of this client's key is final: retrying
// cannot change it.
import { WorkerClient, WorkerError, type WorkerClientOptions } from "./worker-client.js";

/** How long a session keeps trying to reach a lost remote worker (LAKELOOP_WORKER_RECONNECT_MS). */
export const DEFAULT_RECONNECT_MS = 30_000;

/** `onAttemptFailed`: told of each failed attempt (the session's notices; tests). */
export async function reconnectWorker(endpoint: string, options: WorkerClientOptions, deadlineMs = DEFAULT_RECONNECT_MS, onAttemptFailed?: (attempt: number, err: unknown) => void): Promise<WorkerClient> {
  const end = Date.now() + deadlineMs;
  const attemptMs = options.timeoutMs ?? 10_000;
  let last: unknown;
  for (let attempt = 0; ; attempt++) {
    const left = end - Date.now();
    try {
      // Each attempt waits for the hello at most the time left, and zeromq retries the
      // TCP connection underneath meanwhile: a worker that comes back is found at once.
      return await WorkerClient.connect(endpoint, { ...options, connectTimeoutMs: Math.max(1000, Math.min(attemptMs, left)) });
    } catch (err) {
      last = err;
      if (err instanceof WorkerError && err.code === "WORKER_REFUSED") throw err;
      onAttemptFailed?.(attempt, err);
    }
    if (Date.now() + 250 >= end) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2000, Math.max(0, end - Date.now()))));
  }
  throw new WorkerError("WORKER_UNREACHABLE", `could not reach the worker at ${endpoint} again within ${(deadlineMs / 1000).toFixed(0)} s: ${(last as Error)?.message ?? "no answer"}`);
}
