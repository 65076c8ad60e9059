// Test helper: `lakeloop worker` as production runs it — a separate process (from
// dist/, so build first) on the remote host's address with CURVE on — plus the key
// pairs of the worker, an allowed client and a stranger, and polling with deadlines.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { writeKeyPair, type KeyPair } from "../secrets/curve-keys.js";
import type { RemoteHost } from "./remote-host.js";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const bin = path.join(root, "bin", "lakeloop.js");

export interface Keys {
  dir: string;
  worker: KeyPair;
  workerFile: string;
  client: KeyPair;
  clientFile: string;
  stranger: KeyPair;
  strangerFile: string;
  allowFile: string;
}

export async function makeKeys(dir: string): Promise<Keys> {
  const keysDir = path.join(dir, "keys");
  const worker = await writeKeyPair(keysDir, "worker");
  const client = await writeKeyPair(keysDir, "laptop");
  const stranger = await writeKeyPair(keysDir, "stranger");
  const allowFile = path.join(keysDir, "allowed-clients");
  await writeFile(allowFile, `# clients allowed to connect\n${client.keys.publicKey}\n`);
  return {
    dir: keysDir, allowFile,
    worker: worker.keys, workerFile: worker.secretFile,
    client: client.keys, clientFile: client.secretFile,
    stranger: stranger.keys, strangerFile: stranger.secretFile,
  };
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface WorkerProcess {
  process: ChildProcess;
  endpoint: string;
  stderr(): string;
  stop(): Promise<void>;
}

let nextPort = 0;

/** A port for the worker: the worker's host may be a namespace, where this side cannot probe for free ports. */
export function pickPort(): number {
  return 20_000 + ((process.pid * 37 + nextPort++ * 101) % 30_000);
}

export async function startWorkerProcess(host: RemoteHost, keys: Keys, options: { lake: string; cacheDir: string; args?: string[]; env?: NodeJS.ProcessEnv; port?: number }): Promise<WorkerProcess> {
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? pickPort();
    try {
      return await spawnWorker(host, keys, options, port);
    } catch (err) {
      // Only a port taken by someone else is worth another try.
      if (options.port !== undefined || attempt >= 5 || !/Address already in use|EADDRINUSE/.test((err as Error).message)) throw err;
    }
  }
}

function spawnWorker(host: RemoteHost, keys: Keys, options: { lake: string; cacheDir: string; args?: string[]; env?: NodeJS.ProcessEnv }, port: number): Promise<WorkerProcess> {
  const args = [bin, "worker", "--listen", `tcp://${host.address}:${port}`, "--key", keys.workerFile, "--allow", keys.allowFile, "--cache", options.cacheDir, ...(options.args ?? [])];
  const { command, args: full } = host.command(process.execPath, args);
  const child = spawn(command, full, { env: { ...process.env, LAKELOOP_LAKE: options.lake, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => { stderr += d; });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise<WorkerProcess>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        resolve({
          process: child, endpoint: m[1]!, stderr: () => stderr,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            await exited;
          },
        });
      }
    });
    child.once("exit", (code, signal) => reject(new Error(`the worker exited (${signal ?? code}) before listening: ${stderr}`)));
  });
}

export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`never happened within ${deadlineMs / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The environment of a session using the remote worker over CURVE. */
export function clientEnv(endpoint: string, keys: Keys, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env, LAKELOOP_WORKER: endpoint, LAKELOOP_WORKER_KEY: keys.worker.publicKey, LAKELOOP_CLIENT_KEY: keys.clientFile,
    LAKELOOP_WORKER_TIMEOUT_MS: "3000", ...extra,
  };
}

/** A model that sleeps `ms` without spinning a core (Atomics.wait in its thread; cancel ends it). */
export function sleepyModel(name: string, ms: number, value = 1): string {
  return `model("${name}", {}, () => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms}); return [{ x: ${value} }]; }, { timeoutMs: ${ms * 4 + 60_000} });`;
}
