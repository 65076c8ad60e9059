// Mistakes in key settings, through the real command line: each is one line naming the
// setting, exit code 1, no stack trace — and a secret key put where a path belongs is
// never printed back, whether as the key itself or as the key file's text.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "lakeloop.js");
let dir: string;
let secret: string;
let keyFileText: string;

const lakeloop = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  promisify(execFile)(process.execPath, [bin, ...args], { env: { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, ...env }, cwd: dir })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-key-settings-"));
  for (const name of ["laptop", "worker"]) await lakeloop({}, "worker", "keygen", "--dir", path.join(dir, "keys"), "--name", name);
  // A lake that exists (reading commands refuse a missing one before they look at keys).
  await mkdir(path.join(dir, "lake"), { recursive: true });
  keyFileText = await readFile(path.join(dir, "keys", "laptop.key"), "utf8");
  secret = /^secret-key = (\S+)$/m.exec(keyFileText)![1]!;
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** One line on stderr, exit 1, no stack, no secret; returns the line. */
function oneLine(out: { code: number; stdout: string; stderr: string }): string {
  expect(out.code).toBe(1);
  expect(out.stderr.trim().split("\n"), out.stderr).toHaveLength(1);
  expect(out.stderr).not.toMatch(/\n\s+at |Error:/);
  expect(out.stdout + out.stderr).not.toContain(secret);
  return out.stderr.trim();
}

describe("key settings given wrong", () => {
  const remote = (clientKey: string, workerKey = path.join(dir, "keys", "worker.pub")) =>
    ({ LAKELOOP_WORKER: "tcp://127.0.0.1:1", LAKELOOP_WORKER_KEY: workerKey, LAKELOOP_CLIENT_KEY: clientKey });

  it("LAKELOOP_CLIENT_KEY holding the secret key, or the key file's text, is named and never echoed", async () => {
    for (const value of [secret, keyFileText]) {
      expect(oneLine(await lakeloop(remote(value), "query", "SELECT 1"))).toBe(
        "lakeloop query: LAKELOOP_CLIENT_KEY holds a key (or a key file's text), not the path of a key file: set it to the file's path; its value is not shown");
    }
  });

  it("a public key file as the client key, a missing file, one setting of two: one line each", async () => {
    expect(oneLine(await lakeloop(remote(path.join(dir, "keys", "laptop.pub")), "query", "SELECT 1"))).toMatch(/^lakeloop query: LAKELOOP_CLIENT_KEY: .*laptop\.pub is not a lakeloop key file with a secret key/);
    expect(oneLine(await lakeloop(remote(path.join(dir, "keys", "laptop.key"), path.join(dir, "keys", "nope.pub")), "query", "SELECT 1"))).toMatch(/^lakeloop query: LAKELOOP_WORKER_KEY: cannot read a public key file .*nope\.pub: no such file$/);
    expect(oneLine(await lakeloop({ LAKELOOP_WORKER: "tcp://127.0.0.1:1", LAKELOOP_CLIENT_KEY: path.join(dir, "keys", "laptop.key") }, "query", "SELECT 1"))).toMatch(/needs both LAKELOOP_WORKER_KEY .* and LAKELOOP_CLIENT_KEY/);
  });

  it("the worker's --key holding the secret itself, and --allow given a key file", async () => {
    expect(oneLine(await lakeloop({}, "worker", "--key", secret, "--allow", path.join(dir, "keys", "laptop.pub")))).toBe(
      "lakeloop worker: --key holds a key (or a key file's text), not the path of a key file: set it to the file's path; its value is not shown");
    expect(oneLine(await lakeloop({}, "worker", "--key", path.join(dir, "keys", "worker.key"), "--allow", path.join(dir, "keys", "laptop.key")))).toMatch(/^lakeloop worker: --allow: .*laptop\.key is a key file with a secret key, not an allow list/);
  });
});
