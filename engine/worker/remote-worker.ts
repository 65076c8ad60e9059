// Where a session's worker is, from its options or the environment: LAKELOOP_WORKER is
// a remote worker's endpoint (tcp://host:port); LAKELOOP_WORKER_KEY pins its CurveZMQ
// public key (inline or a .pub file) and LAKELOOP_CLIENT_KEY is this client's key file
// (from `lakeloop worker keygen`). No LAKELOOP_WORKER: a local worker is spawned.
import { readKeyPair, readPublicKey } from "../../worker/curve-keys.js";
import type { WorkerClientOptions } from "./worker-client.js";

export interface RemoteWorker {
  endpoint: string;
  options: WorkerClientOptions;
}

export async function remoteWorkerFrom(endpoint: string | undefined, env: NodeJS.ProcessEnv): Promise<RemoteWorker | undefined> {
  const target = endpoint ?? env.LAKELOOP_WORKER;
  if (!target) return undefined;
  const serverKey = env.LAKELOOP_WORKER_KEY;
  const clientKey = env.LAKELOOP_CLIENT_KEY;
  // How long a silent worker may take before it counts as lost (default 10 s).
  const timeoutMs = Number(env.LAKELOOP_WORKER_TIMEOUT_MS) > 0 ? Number(env.LAKELOOP_WORKER_TIMEOUT_MS) : undefined;
  if (!serverKey && !clientKey) return { endpoint: target, options: { timeoutMs } };
  if (!serverKey || !clientKey) throw new Error("a CURVE connection needs both LAKELOOP_WORKER_KEY (the worker's public key) and LAKELOOP_CLIENT_KEY (this client's key file)");
  const pair = await readKeyPair(clientKey);
  return { endpoint: target, options: { timeoutMs, curve: { serverKey: await readPublicKey(serverKey), publicKey: pair.publicKey, secretKey: pair.secretKey } } };
}
