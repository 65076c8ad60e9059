// The benchmarks' smoke run (`npm run bench -- --quick`), so they never rot: every bench
// runs end to end at a small size and states its rows, bytes and times. No timing is
// asserted — only that each figure exists and is a finite number.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let dir: string;
let results: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-quick-"));
  const out = path.join(dir, "quick.md");
  await promisify(execFile)(process.execPath, ["--openssl-legacy-provider", path.join(root, "dist", "bench", "run.js"), "--quick", "--out", out], {
    cwd: root, timeout: 240_000, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache") },
  });
  results = await readFile(out, "utf8");
}, 260_000);
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** The rows of the markdown table under `## name`, as cells. */
function table(name: string): string[][] {
  const section = results.split(/^## /m).find((s) => s.startsWith(`${name}\n`));
  expect(section, `no section ${name}`).toBeDefined();
  return section!.split("\n").filter((l) => l.startsWith("| ") && !/^\| -/.test(l)).slice(1).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
}
const finite = (cell: string) => Number.isFinite(Number(cell.replace(/,/g, "")));

describe("npm run bench -- --quick", () => {
  it("states the machine", () => {
    expect(results).toMatch(/Machine: \d+ x .+ GiB, .+ Node v20/);
  });

  it("runs every bench with rows, bytes and finite times", () => {
    const handoff = table("handoff");
    expect(handoff.map((r) => r[0])).toEqual(expect.arrayContaining([expect.stringMatching(/zero-copy: the hand-off/), expect.stringMatching(/^Arrow IPC/), expect.stringMatching(/^Parquet on local disk/), expect.stringMatching(/^Parquet from S3/)]));
    for (const r of handoff) expect(finite(r[2]!), r.join(" | ")).toBe(true);
    expect(handoff.find((r) => r[0]!.startsWith("Parquet from S3"))![3]).toMatch(/[\d.]+ (KB|MB)/);

    const trace = table("iteration-trace");
    expect(trace).toHaveLength(13); // 12 steps and the total
    for (const r of trace) {
      for (const i of [1, 3, 5]) expect(finite(r[i]!), r.join(" | ")).toBe(true);
      for (const i of [2, 4, 6, 7]) expect(r[i]).toMatch(/^[\d.]+ (B|KB|MB|GB)$/);
    }

    const packages = table("package-add");
    expect(packages).toHaveLength(5);
    for (const r of packages) expect(finite(r[3]!)).toBe(true);

    const replan = table("replan");
    expect(replan.map((r) => r[1])).toEqual(["21", "0", "0", "1"]);

    for (const r of table("sql-nodes")) expect(finite(r[2]!)).toBe(true);
    expect(table("kernel-roundtrip").map((r) => r[0])).toEqual(["median", "p90", "max"]);
    const scan = table("scan");
    expect(scan[0]![0]).toMatch(/^cold/);
    for (const r of scan) expect(finite(r[2]!)).toBe(true);
  });
});
