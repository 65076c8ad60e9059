// The kernel under real Jupyter clients: Debian's jupyter_kernel_test runs its whole
// KernelTests suite against `lakeloop kernel` (installed as a kernelspec in a temp
// prefix), and the test asserts that every one of its tests ran and passed.
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
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-kernel-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache"), JUPYTER_PATH: path.join(dir, "share", "jupyter"), JUPYTER_RUNTIME_DIR: path.join(dir, "runtime") };
  await run(process.execPath, [bin, "sample", "--rows", "20000", "--months", "2", "--quiet"], { env });
  await run(process.execPath, [bin, "kernel", "install", "--prefix", dir, "--name", "lakeloop-test"], { env });
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("the Jupyter kernel", () => {
  it("passes jupyter_kernel_test with every attribute filled in", async () => {
    const result = await run("/usr/bin/python3", [path.join(root, "test", "kernel", "test_lakeloop_kernel.py"), "-v"], {
      env: { ...env, PYTHONPATH: "" }, cwd: path.join(root, "test", "kernel"), timeout: 240_000, maxBuffer: 16 * 1024 * 1024,
    }).catch((e: { stdout: string; stderr: string }) => e);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output, output).toMatch(/Ran \d+ tests/);
    expect(output, output).not.toMatch(/FAILED|ERROR:/);
    for (const name of ["kernel_info", "execute_stdout", "execute_stderr", "completion", "is_complete", "error", "execute_result", "display_data", "history", "inspect", "clear_output", "pager", "banner_names_the_lake"]) {
      expect(output, output).toMatch(new RegExp(`test_${name} \\(.*\\) \\.\\.\\. ok`));
    }
    expect(output).toMatch(/\nOK\n/); // no test skipped
  }, 300_000);
});
