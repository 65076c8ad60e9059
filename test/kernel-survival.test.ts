// What the kernel survives, driven by jupyter_client (a real Jupyter client): a failing
// cell, a model that never returns interrupted over the control channel, its worker
// process killed, and a thousand executes without unbounded memory growth.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lakeloop.js");
const EXECUTES = 1000;
let dir: string;

interface Seen {
  failing: { status: string; ename: string; evalue: string };
  after_failing: { status: string; text: string };
  interrupt: { status: string; evalue: string; seconds: number };
  control_during_long_cell: { msg_type: string; status: string };
  after_interrupt: { status: string; text: string };
  after_crash: { first: { status: string; text: string }; status: string; text: string; killed: number };
  executes: { count: number; before: Memory; after: Memory };
  still_alive: string;
}
interface Memory { heap_mb: number; rss_mb: number; external_mb: number }
let seen: Seen;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-survival-"));
  const env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache"), JUPYTER_PATH: path.join(dir, "share", "jupyter"), JUPYTER_RUNTIME_DIR: path.join(dir, "runtime"), PYTHONPATH: "" };
  await run(process.execPath, [bin, "kernel", "install", "--prefix", dir, "--name", "lakeloop-survival"], { env });
  const out = await run("/usr/bin/python3", [path.join(root, "test", "kernel", "survive.py"), "lakeloop-survival", String(EXECUTES)], { env, timeout: 400_000, maxBuffer: 16 * 1024 * 1024 });
  seen = JSON.parse(out.stdout.trim().split("\n").at(-1)!) as Seen;
}, 420_000);
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("the kernel survives", () => {
  it("a failing cell: an error reply, then the next cell runs", () => {
    expect(seen.failing).toEqual({ status: "error", ename: "Error", evalue: "boom" });
    expect(seen.after_failing).toEqual({ status: "ok", text: "42" });
  });

  it("an interrupted model that never returns: cancelled, and the next model runs", () => {
    expect(seen.control_during_long_cell).toEqual({ msg_type: "kernel_info_reply", status: "ok" });
    expect(seen.interrupt.status, JSON.stringify(seen.interrupt)).toBe("error");
    expect(seen.interrupt.evalue).toMatch(/cancel/i);
    expect(seen.after_interrupt.status).toBe("ok");
    expect(seen.after_interrupt.text).toMatch(/after_spin/);
  });

  it("its worker killed: the next run respawns it and succeeds", () => {
    expect(seen.after_crash.killed).toBe(1);
    expect(seen.after_crash.first.status, JSON.stringify(seen.after_crash.first)).toBe("ok");
    expect(seen.after_crash.text).toMatch(/after_crash/);
  });

  it(`${EXECUTES} executes without unbounded memory growth`, () => {
    expect(seen.executes.count).toBe(EXECUTES + 100);
    const { before, after } = seen.executes;
    const shown = JSON.stringify(seen.executes);
    // What is still held after a full collection: a leak of even 16 kB per execute shows.
    expect(after.heap_mb - before.heap_mb, shown).toBeLessThan(16);
    expect(after.external_mb - before.external_mb, shown).toBeLessThan(16);
    // Resident memory also holds what V8 and malloc keep for reuse; bound it loosely.
    expect(after.rss_mb, shown).toBeLessThan(1024);
    expect(seen.still_alive).toBe("ok");
  });
});
