// The embedded default: a worker process spawned on this machine for a session, stopped
// with the session (and stopping itself if the session's process dies).
//
// Only its session can reach it. It listens on an ipc:// socket in a directory of its
// own, mode 0700, under $XDG_RUNTIME_DIR (else the OS temp folder): no other user can
// even connect. And it admits only clients that give a password the session made and
// handed it over its standard input, so another process of the same user that finds
// the socket still cannot run anything. The directory is removed when the worker stops;
// one left by a session that was killed is removed by the next session.
//
// It starts without the session's credentials in its environment: they travel with the
// password over its standard input (see secrets/session-handoff.ts), so a model cannot
// find them in /proc/self/environ.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { binPath } from "../package-root.js";
import { newPassword, splitCredentials, writeHandoff } from "../../secrets/session-handoff.js";
import type { WorkerClientOptions } from "./worker-client.js";

export interface LocalWorker {
  endpoint: string;
  process: ChildProcess;
  /** How the session's client connects (the password it handed the worker). */
  client: WorkerClientOptions;
  /** The worker's private directory (its socket lives in it). */
  dir: string;
  stop(): Promise<void>;
}

const DIR_PREFIX = "lakeloop-worker-";

/** Where private sockets go: the user's runtime directory when there is one. */
export function socketParent(env: NodeJS.ProcessEnv): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime && path.isAbsolute(runtime) ? runtime : tmpdir();
}

export async function spawnLocalWorker(lake: string, env: NodeJS.ProcessEnv = process.env, extraArgs: string[] = []): Promise<LocalWorker> {
  const parent = socketParent(env);
  await sweepAbandonedDirs(parent);
  // mkdtemp makes the directory with mode 0700: this user's alone.
  const dir = await mkdtemp(path.join(parent, `${DIR_PREFIX}${process.pid}-`));
  const password = newPassword();
  const { plain, credentials } = splitCredentials(env);
  // LAKELOOP_WORKER_NODE_ARGS: Node flags for the worker process (e.g. --cpu-prof, to profile it).
  const nodeArgs = env.LAKELOOP_WORKER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, binPath(), "worker", "--listen", `ipc://${path.join(dir, "worker.sock")}`, "--session-stdin", "--parent-pid", String(process.pid), ...extraArgs], {
    env: { ...plain, LAKELOOP_LAKE: lake },
    stdio: ["pipe", "pipe", "pipe"],
  });
  // A worker that dies before reading its input must not take the session down with EPIPE.
  child.stdin!.on("error", () => {});
  writeHandoff(child.stdin!, { password, env: credentials });
  let stderr = "";
  child.stderr!.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  const removeDir = () => rm(dir, { recursive: true, force: true });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = "";
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        child.stdout!.off("data", onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the local worker exited (code ${code}) before it was ready: ${stderr.trim() || "no output"}`)));
    child.once("error", reject);
  }).catch(async (err: unknown) => {
    await removeDir();
    throw err;
  });
  return {
    endpoint,
    process: child,
    client: { password },
    dir,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(); // already gone (a signal leaves exitCode null)
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
      await removeDir();
    },
  };
}

/** Removes the private directories of sessions whose process is gone (killed before they could). */
async function sweepAbandonedDirs(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(DIR_PREFIX)).map(async (name) => {
    const pid = Number(name.slice(DIR_PREFIX.length).split("-")[0]);
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) return;
    const full = path.join(parent, name);
    const info = await stat(full).catch(() => undefined);
    // Only this user's own leftovers.
    if (info?.isDirectory() && info.uid === process.getuid?.()) await rm(full, { recursive: true, force: true }).catch(() => {});
  }));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, but another user's.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
