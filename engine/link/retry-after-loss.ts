// A worker lost in the middle of a request (its process died, its host vanished) takes
// the request with it; the work itself is still wanted. So the request runs once more:
// planning again finds the lost worker, replaces it (worker-link.ts), and plans against
// what the new one holds. Once, not in a loop: a plan that kills every worker it runs
// on must fail with the reason, not take worker after worker down — so a loss that
// already had its second chance is passed on as it is, even through nested retries.
import { WorkerError } from "./worker-client.js";

const retried = new WeakSet<object>();

export function isWorkerLoss(err: unknown): boolean {
  return err instanceof WorkerError && (err.code === "WORKER_LOST" || err.code === "WORKER_SEND");
}

/** `onLoss` hears of the loss at once, before the (possibly slow) reconnection. */
export async function retryAfterWorkerLoss<T>(attempt: () => Promise<T>, onLoss: (err: WorkerError) => void = () => {}): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    if (!isWorkerLoss(err) || retried.has(err as object)) throw err;
    onLoss(err as WorkerError);
    try {
      return await attempt();
    } catch (again) {
      if (isWorkerLoss(again)) retried.add(again as object);
      throw again;
    }
  }
}
