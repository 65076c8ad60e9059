// The embedded default: a worker process spawned on this machine for a session, on a
// free loopback port, stopped with the session (and stopping itself if the session's
// process dies).
import { spawn, type ChildProcess } from "node:child_process";
import { binPath } from "../package-root.js";

export interface LocalWorker {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function spawnLocalWorker(lake: string, env: NodeJS.ProcessEnv = process.env, extraArgs: string[] = []): Promise<LocalWorker> {
  const child = spawn(process.execPath, [binPath(), "worker", "--listen", "tcp://127.0.0.1:0", "--parent-pid", String(process.pid), ...extraArgs], {
    env: { ...env, LAKELOOP_LAKE: lake },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
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
  });
  return {
    endpoint,
    process: child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(); // already gone (a signal leaves exitCode null)
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 3000).unref();
    }),
  };
}
