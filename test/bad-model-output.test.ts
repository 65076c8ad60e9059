// A TypeScript model that returns a malformed table fails at the model, through the real
// command line: a clear one-line error naming the model and its columns' lengths, its
// dependants skipped, no stack trace, and never "✓ m: 3 rows" followed by a crash.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
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

const lakeloop = (...args: string[]) => run(process.execPath, [bin, ...args], { env, cwd: dir }).catch((e: { code: number; stdout: string; stderr: string }) => e);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bad-output-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  await lakeloop("sample", "--rows", "2000", "--months", "1", "--quiet");
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function runProject(name: string, body: string): Promise<{ code?: number; stdout: string; stderr: string }> {
  const project = path.join(dir, name);
  await mkdir(project, { recursive: true });
  await writeFile(path.join(project, "m.ts"), `import { model, Model } from "lakeloop";\nmodel("m", { tx: Model("transactions", { columns: ["id"] }) }, ${body});\n`);
  await writeFile(path.join(project, "down.sql"), "SELECT count(*) AS n FROM m\n");
  return lakeloop("run", project);
}

describe("a model's malformed output", () => {
  it("columns of different lengths fail the model with their lengths; the SQL downstream is skipped", async () => {
    const out = await runProject("uneven", `(_, { arrow }) => new arrow.Table({ x: arrow.vectorFromArray([1, 2, 3]), y: arrow.vectorFromArray(["a"]) })`);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('✗ m: model "m" returned a bad table: its columns differ in length (x: 3, y: 1); every column needs one value per row\n');
    expect(out.stderr).toContain("- down: skipped (input m failed)");
    expect(out.stderr).not.toMatch(/✓ m|subarray|TypeError|\n\s+at /);
  });

  it("rows holding a function fail the model naming the column", async () => {
    const out = await runProject("function", `() => [{ a: 1, f: () => 2 }]`);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('✗ m: model "m" returned a bad value: column "f" holds a function (row 1), which no Arrow column can hold');
    expect(out.stderr).not.toMatch(/TypeError|\n\s+at /);
  });
});
