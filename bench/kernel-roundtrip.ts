// Kernel round trip: a trivial cell ("1 + 1") from execute_request to the kernel's
// `idle` status, over the real sockets of a `lakeloop kernel` process (a DEALER on
// shell, a SUB on iopub, messages signed with HMAC-SHA256 as Jupyter does).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { Dealer, Subscriber } from "zeromq";
import { decodeMessage, encodeMessage, newHeader, Signer } from "../kernel/wire.js";
import { median, printTable } from "./util.js";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function run(options: { executes: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-kernel-"));
  const key = randomBytes(16).toString("hex");
  const ports = { shell_port: await freePort(), iopub_port: await freePort(), stdin_port: await freePort(), control_port: await freePort(), hb_port: await freePort() };
  const connection = path.join(dir, "connection.json");
  await writeFile(connection, JSON.stringify({ ...ports, ip: "127.0.0.1", transport: "tcp", key, signature_scheme: "hmac-sha256", kernel_name: "lakeloop" }));
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "lakeloop.js");
  const kernel = spawn(process.execPath, [bin, "kernel", "--connection-file", connection], {
    env: { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") }, stdio: ["ignore", "ignore", "inherit"],
  });
  const signer = new Signer(key);
  const shell = new Dealer({ linger: 0 });
  const iopub = new Subscriber({ linger: 0 });
  shell.connect(`tcp://127.0.0.1:${ports.shell_port}`);
  iopub.connect(`tcp://127.0.0.1:${ports.iopub_port}`);
  iopub.subscribe();
  const session = "bench";
  const idle = async (msgId: string) => {
    for await (const frames of iopub) {
      const m = decodeMessage(frames as Buffer[], signer);
      if (m.parent_header.msg_id === msgId && m.header.msg_type === "status" && (m.content as { execution_state: string }).execution_state === "idle") return;
    }
  };
  const roundTrip = async (code: string) => {
    const header = newHeader("execute_request", session);
    const t0 = performance.now();
    const done = idle(header.msg_id);
    await shell.send(encodeMessage(signer, [], header, {}, { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }));
    await done;
    await shell.receive(); // the execute_reply, which comes before idle
    return performance.now() - t0;
  };
  try {
    // The first request also waits for the kernel to start and iopub to connect.
    const startDeadline = Date.now() + 60_000;
    let first = NaN;
    while (Date.now() < startDeadline) {
      const attempt = await Promise.race([roundTrip("1 + 1"), new Promise<number>((r) => setTimeout(() => r(NaN), 15_000))]);
      if (!Number.isNaN(attempt)) { first = attempt; break; }
    }
    if (Number.isNaN(first)) throw new Error("the kernel did not answer within 60 s");
    const times: number[] = [];
    for (let i = 0; i < options.executes; i++) times.push(await roundTrip(`${i} + 1`));
    const sorted = [...times].sort((a, b) => a - b);
    return printTable(`Kernel round trip: "N + 1" from execute_request to idle over zeromq on 127.0.0.1, ${options.executes} executes (rows: none; each message under 1 KB)`,
      ["measure", "ms"], [["median", median(times).toFixed(2)], ["p90", sorted[Math.floor(sorted.length * 0.9)]!.toFixed(2)], ["max", sorted.at(-1)!.toFixed(2)]]);
  } finally {
    shell.close();
    iopub.close();
    kernel.kill("SIGTERM");
    await new Promise((r) => kernel.once("exit", r));
    await rm(dir, { recursive: true, force: true });
  }
}
