// Equal fingerprints are equal outputs, whoever asks: when two runs (two sessions, or
// two runs of one) need the same node at the same time, it is computed once and both
// get the result. The shared computation is cancelled only when every run waiting for
// it has been cancelled, so one session's cancel or disappearance never fails another's
// node. Progress events go to the run that started the work; a run that joined reads
// nothing itself, so it reports no bytes read (the bytes are counted once).
import { emptyReadStats, type NodeResult, type RunNode } from "./execute-plan.js";

interface Shared {
  result: Promise<NodeResult>;
  abort: AbortController;
  waiting: number;
}

export function shareNodeRuns(runNode: RunNode): RunNode {
  const inFlight = new Map<string, Shared>();
  return (node, inputs, ctx) => {
    // A materialization is an effect: it is shared only with a run asking for the same table on the same branch.
    // So is a scan with the cache off: it must read the store itself.
    const key = `${node.id}${node.materialize ? `>${node.materialize.table}@${node.materialize.branch ?? "main"}` : ""}${node.kind === "scan" && node.scan.cache === "off" ? "!" : ""}`;
    let shared = inFlight.get(key);
    const joined = shared !== undefined;
    if (!shared) {
      const abort = new AbortController();
      const entry: Shared = { abort, waiting: 0, result: Promise.resolve(undefined as never) };
      entry.result = runNode(node, inputs, { signal: abort.signal, emit: ctx.emit }).finally(() => {
        if (inFlight.get(key) === entry) inFlight.delete(key);
      });
      inFlight.set(key, entry);
      shared = entry;
    }
    const entry = shared;
    entry.waiting++;
    return new Promise<NodeResult>((resolve, reject) => {
      let settled = false;
      const leave = () => {
        ctx.signal.removeEventListener("abort", onAbort);
        entry.waiting--;
      };
      const onAbort = () => {
        if (settled) return;
        settled = true;
        leave();
        // The last one out stops the work; the others keep it going.
        if (entry.waiting === 0) {
          entry.abort.abort();
          if (inFlight.get(key) === entry) inFlight.delete(key);
        }
        reject(Object.assign(new Error(`node ${node.name} was cancelled`), { code: "NODE_CANCELLED" }));
      };
      if (ctx.signal.aborted) return onAbort();
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      entry.result.then(
        (result) => {
          if (settled) return;
          settled = true;
          leave();
          resolve(joined ? { ...result, read: emptyReadStats() } : result);
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          leave();
          reject(err);
        },
      );
    });
  };
}
