// Where a session's worker is, from its options or else the environment:
//   LAKELOOP_WORKER       a remote worker's endpoint (tcp://host:port)
//   LAKELOOP_WORKER_KEY   the worker's CurveZMQ public key, inline or a .pub file: pinned,
//                         so an impostor at that address gets no handshake and no plan
//   LAKELOOP_CLIENT_KEY   this client's key file (from `lakeloop worker keygen`)
//   LAKELOOP_WORKER_TIMEOUT_MS    a worker silent this long is lost (default 10 s)
//   LAKELOOP_WORKER_RECONNECT_MS  how long to keep trying to reach it again (default 30 s)
// No endpoint: a local worker is spawned. A worker off this machine is reached only
// over CURVE: plans, previews and errors never cross a network in the clear.
import { KeyError, readKeyPair, readPublicKey } from "../../secrets/curve-keys.js";
import { isLoopbackEndpoint } from "../../secrets/loopback.js";
import { DEFAULT_RECONNECT_MS } from "./reconnect.js";
import type { WorkerClientOptions } from "./worker-client.js";

export interface RemoteWorkerSettings {
  /** tcp://host:port (default LAKELOOP_WORKER). */
  endpoint?: string;
  /** The worker's public key, inline or a .pub file (default LAKELOOP_WORKER_KEY). */
  workerKey?: string;
  /** This client's key file (default LAKELOOP_CLIENT_KEY). */
  clientKey?: string;
}

export interface RemoteWorker {
  endpoint: string;
  options: WorkerClientOptions;
  reconnectMs: number;
}

const positive = (text: string | undefined): number | undefined => (Number(text) > 0 ? Number(text) : undefined);

export async function remoteWorkerFrom(settings: RemoteWorkerSettings, env: NodeJS.ProcessEnv): Promise<RemoteWorker | undefined> {
  const target = settings.endpoint ?? env.LAKELOOP_WORKER;
  if (!target) return undefined;
  const serverKey = settings.workerKey ?? env.LAKELOOP_WORKER_KEY;
  const clientKey = settings.clientKey ?? env.LAKELOOP_CLIENT_KEY;
  const timeoutMs = positive(env.LAKELOOP_WORKER_TIMEOUT_MS);
  const reconnectMs = positive(env.LAKELOOP_WORKER_RECONNECT_MS) ?? DEFAULT_RECONNECT_MS;
  if (!serverKey && !clientKey) {
    if (!isLoopbackEndpoint(target)) {
      throw new KeyError(`the worker at ${target} is not on this machine, and a remote worker is reached only over CurveZMQ: ` +
        "set LAKELOOP_WORKER_KEY to its public key (worker.pub) and LAKELOOP_CLIENT_KEY to this client's key file (lakeloop worker keygen --name laptop)");
    }
    return { endpoint: target, options: { timeoutMs }, reconnectMs };
  }
  if (!serverKey || !clientKey) throw new KeyError("a CURVE connection needs both LAKELOOP_WORKER_KEY (the worker's public key) and LAKELOOP_CLIENT_KEY (this client's key file)");
  const pair = await readKeyPair(clientKey, settings.clientKey ? "clientKey" : "LAKELOOP_CLIENT_KEY");
  const workerKey = await readPublicKey(serverKey, settings.workerKey ? "workerKey" : "LAKELOOP_WORKER_KEY");
  return { endpoint: target, options: { timeoutMs, curve: { serverKey: workerKey, publicKey: pair.publicKey, secretKey: pair.secretKey } }, reconnectMs };
}
