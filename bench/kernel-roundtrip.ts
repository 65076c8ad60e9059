// Kernel round trip: a trivial cell ("N + 1") from execute_request to the kernel's
// `idle` status, over the real sockets of a `lakeloop kernel` process (a DEALER on
// shell, a SUB on iopub, messages signed with HMAC-SHA256 as Jupyter does). Bytes: the
// frames of one round trip (the request, the reply, and the iopub messages it causes:
// busy, execute_input, execute_result, idle). Start-up is reported on its own: from the
// spawn until the kernel has answered a kernel_info_request on shell and iopub.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Dealer, Subscriber } from "zeromq";
import { decodeMessage, encodeMessage, newHeader, Signer, type Message } from "../kernel/wire.js";
import { bytes, median, ms, printTable, progress, ratio } from "./util.js";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const frameBytes = (frames: Buffer[]) => frames.reduce((s, f) => s + f.byteLength, 0);

interface Waiter {
  /** Bytes of the iopub messages whose parent is this request. */
  iopubBytes: number;
  reply?: { message: Message; bytes: number };
  idle: boolean;
  settle?: () => void;
}

/**
 * The ports come from the OS free, but another process may take one between our probe
 * and the kernel's bind ("Address already in use"): a kernel that exits before it
 * answers is started again on new ports, up to three times.
 */
export async function run(options: { executes: number }): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/the kernel exited/.test((err as Error).message)) throw err;
      progress(`the kernel exited before it answered (a port taken meanwhile?); starting it again on new ports`);
    }
  }
}

async function runOnce(options: { executes: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-kernel-"));
  const key = randomBytes(16).toString("hex");
  const ports = { shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(), control_port: await freePort(), hb_port: await freePort() };
  const connection = path.join(dir, "connection.json");
  await writeFile(connection, JSON.stringify({ ...ports, ip: "127.0.0.1", transport: "tcp", key, signature_scheme: "hmac-sha256", kernel_name: "lakeloop" }));
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "lakeloop.js");
  const spawnedAt = performance.now();
  const kernel = spawn(process.execPath, [bin, "kernel", "--connection-file", connection], {
    env: { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") }, stdio: ["ignore", "ignore", "inherit"],
  });
  let exited: string | undefined;
  kernel.once("exit", (code, signal) => { exited = `the kernel exited (code ${code}, signal ${signal})`; });
  const signer = new Signer(key);
  const shell = new Dealer({ linger: 0 });
  const iopub = new Subscriber({ linger: 0 });
  shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
  iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
  iopub.subscribe();

  // One reader per socket routes each message to the request it answers.
  const waiters = new Map<string, Waiter>();
  const check = (w: Waiter) => { if (w.reply && w.idle) w.settle?.(); };
  void (async () => {
    for await (const frames of iopub) {
      const m = decodeMessage(frames as Buffer[], signer);
      const w = waiters.get(m.parent_header.msg_id ?? "");
      if (!w) continue;
      w.iopubBytes += frameBytes(frames as Buffer[]);
      if (m.header.msg_type === "status" && (m.content as { execution_state: string }).execution_state === "idle") { w.idle = true; check(w); }
    }
  })().catch(() => {});
  void (async () => {
    for await (const frames of shell) {
      const m = decodeMessage(frames as Buffer[], signer);
      const w = waiters.get(m.parent_header.msg_id ?? "");
      if (!w) continue;
      w.reply = { message: m, bytes: frameBytes(frames as Buffer[]) };
      check(w);
    }
  })().catch(() => {});

  /** Sends a request; resolves when its reply and its idle have both come, or after `timeoutMs` with undefined. */
  const request = async (type: string, content: Record<string, unknown>, timeoutMs: number) => {
    const header = newHeader(type, "bench");
    const frames = encodeMessage(signer, [], header, {}, content);
    const w: Waiter = { iopubBytes: 0, idle: false };
    waiters.set(header.msg_id, w);
    const t0 = performance.now();
    const done = new Promise<boolean>((resolve) => {
      w.settle = () => resolve(true);
      setTimeout(() => resolve(false), timeoutMs).unref();
    });
    await shell.send(frames);
    const ok = await done;
    const t = performance.now() - t0;
    waiters.delete(header.msg_id);
    if (!ok) return undefined;
    return { ms: t, reply: w.reply!.message, bytes: frameBytes(frames) + w.reply!.bytes + w.iopubBytes };
  };

  try {
    // Start-up: ask for kernel_info until both shell and iopub answer (iopub drops what
    // is published before the subscription is connected).
    const deadline = Date.now() + 60_000;
    let info: Awaited<ReturnType<typeof request>>;
    while (!info && Date.now() < deadline && !exited) info = await request("kernel_info_request", {}, 1000);
    if (!info) throw new Error(exited ?? "the kernel did not answer within 60 s");
    const startUp = performance.now() - spawnedAt;
    progress(`kernel up: kernel_info answered ${ms(startUp)} ms after the spawn`);

    const execute = async (code: string) => {
      const r = await request("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, 30_000);
      if (!r) throw new Error(exited ?? `no answer to "${code}" within 30 s`);
      if (r.reply.header.msg_type !== "execute_reply" || (r.reply.content as { status?: string }).status !== "ok") {
        throw new Error(`the kernel answered ${r.reply.header.msg_type} ${JSON.stringify(r.reply.content).slice(0, 200)}`);
      }
      return r;
    };
    const first = await execute("0 + 1"); // warm-up: the first cell loads the cell compiler
    progress(`first execute (warm-up): ${ms(first.ms)} ms`);
    const times: number[] = [];
    const sizes: number[] = [];
    for (let i = 1; i <= options.executes; i++) {
      const r = await execute(`${i} + 1`);
      times.push(r.ms);
      sizes.push(r.bytes);
      if (i % Math.max(1, Math.floor(options.executes / 4)) === 0) progress(`${i}/${options.executes} executes, median so far ${median(times).toFixed(2)} ms`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(sorted.length * 0.9)]!;
    const perTrip = bytes(median(sizes));
    const title = `Kernel round trip: "N + 1" from execute_request to idle over zeromq on 127.0.0.1, ${options.executes} executes after one warm-up; ` +
      `rows: none (a scalar cell); bytes: every frame of one round trip (request, reply, iopub busy/input/result/idle). ` +
      `Ratio in this run: p90 / median = ${ratio(p90, median(times))}.`;
    return printTable(title, ["measure", "rows", "bytes", "ms"], [
      ["median", 0, perTrip, median(times).toFixed(2)],
      ["p90", 0, perTrip, p90.toFixed(2)],
      ["max", 0, perTrip, sorted.at(-1)!.toFixed(2)],
      ["first execute after start-up (warm-up, once)", 0, bytes(first.bytes), ms(first.ms)],
      ["spawn to kernel_info answered (start-up, once)", 0, bytes(info.bytes), ms(startUp)],
    ]);
  } finally {
    shell.close();
    iopub.close();
    if (kernel.exitCode === null && kernel.signalCode === null) {
      const gone = new Promise((r) => kernel.once("exit", r));
      kernel.kill("SIGTERM");
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  }
}
