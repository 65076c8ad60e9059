// A session's own worker is reachable by that session only: a private ipc:// socket
// (a 0700 directory under $XDG_RUNTIME_DIR or the temp folder, removed on stop) that
// another user cannot open, and a password handed over a pipe without which another
// process of the same user is refused before it can send a single request.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkerPlan } from "../../protocol/plan.js";
import { spawnLocalWorker, type LocalWorker } from "./local-worker.js";
import { WorkerClient } from "./worker-client.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
let temp: string;
let lake: string;

beforeAll(async () => {
  temp = await mkdtemp(path.join(tmpdir(), "lakeloop-local-worker-"));
  lake = `file://${temp}/lake`;
});
afterAll(async () => { await rm(temp, { recursive: true, force: true }); });

/** A plan whose one model leaves a file behind: whoever runs it is seen. */
const markerPlan = (marker: string): WorkerPlan => ({
  planId: "intruder", targets: ["m"],
  nodes: [{
    id: "m", name: "m", kind: "ts", inputs: {}, action: "run", reason: "never-run",
    ts: { name: "m", code: `export default async () => { (await import("node:fs")).writeFileSync(${JSON.stringify(marker)}, "ran"); return [{ a: 1 }]; }` },
  }],
});

/** Another process of this user that found the socket: it tries without the password, with a wrong one, and raw. */
const INTRUDER = `
import { Dealer } from "zeromq";
import { WorkerClient } from ${JSON.stringify(path.join(root, "dist/engine/link/worker-client.js"))};
const [endpoint, plan] = [process.argv[1], process.argv[2]];
const out = {};
for (const [what, options] of [["none", {}], ["wrong", { password: "not-the-session-password-at-all" }]]) {
  out[what] = await WorkerClient.connect(endpoint, { ...options, timeoutMs: 20000 }).then(async (c) => { await c.close(); return "connected"; }, (e) => e.code);
}
const raw = new Dealer({ linger: 0 });
const refused = new Promise((resolve) => raw.events.on("handshake:error:protocol", () => resolve("refused")));
raw.connect(endpoint);
await raw.send([Buffer.from(JSON.stringify({ type: "run", id: "r1", plan: JSON.parse(plan) }))]);
out.raw = await refused;
raw.close();
console.log(JSON.stringify(out));
`;

describe("a session's local worker", () => {
  it("listens on an ipc:// socket in a 0700 directory under $XDG_RUNTIME_DIR, removed when it stops", async () => {
    const runtime = await mkdtemp(path.join(temp, "runtime-"));
    const local = await spawnLocalWorker(lake, { ...process.env, XDG_RUNTIME_DIR: runtime });
    try {
      expect(local.endpoint).toBe(`ipc://${path.join(local.dir, "worker.sock")}`);
      expect(path.dirname(local.dir)).toBe(runtime);
      const info = await stat(local.dir);
      expect(info.mode & 0o777).toBe(0o700);
      expect(info.uid).toBe(process.getuid!());
      const client = await WorkerClient.connect(local.endpoint, local.client);
      await expect(client.request({ type: "ping" })).resolves.toMatchObject({ type: "pong" });
      await client.close();
    } finally {
      await local.stop();
    }
    expect(existsSync(local.dir)).toBe(false);
  });

  it("refuses another process without the session's password before it can run anything", async () => {
    const local = await spawnLocalWorker(lake, process.env);
    const marker = path.join(temp, "intruder-ran");
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", INTRUDER, local.endpoint, JSON.stringify(markerPlan(marker))], { cwd: root });
      expect(JSON.parse(stdout)).toEqual({ none: "WORKER_REFUSED", wrong: "WORKER_REFUSED", raw: "refused" });

      const session = await WorkerClient.connect(local.endpoint, local.client);
      try {
        // A round trip after the intruder left: nothing of it ran or is held.
        await expect(session.request({ type: "status" })).resolves.toMatchObject({ resident: [], runs: 0 });
        expect(existsSync(marker)).toBe(false);
        // The same plan from the session runs: the intruder was stopped by the gate, not by its plan.
        const outcome = await session.run(markerPlan(marker), () => {});
        expect(outcome.summary.ran).toBe(1);
        expect(existsSync(marker)).toBe(true);
      } finally {
        await session.close();
      }
    } finally {
      await local.stop();
    }
  });

  it("cannot be reached by another user at all (checked as another uid when the tests run as root)", async () => {
    const local = await spawnLocalWorker(lake, { ...process.env, XDG_RUNTIME_DIR: "" });
    try {
      const socket = local.endpoint.slice("ipc://".length);
      expect(path.dirname(local.dir)).toBe(tmpdir()); // a folder every user can enter: only the worker's own directory keeps them out
      expect((await stat(local.dir)).mode & 0o777).toBe(0o700);
      if (process.getuid!() !== 0) return; // only root can become another user; the mode above is what the kernel enforces
      const probe = spawn(process.execPath, ["-e", `require("node:net").connect(${JSON.stringify(socket)}).on("connect", () => { console.log("connected"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(0); })`], {
        uid: 65534, gid: 65534, cwd: "/", stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      probe.stdout.on("data", (d) => { out += d; });
      await new Promise((resolve) => probe.on("exit", resolve));
      expect(out.trim()).toBe("EACCES");
    } finally {
      await local.stop();
    }
  });
});
