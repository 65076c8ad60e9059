// The benchmarks' smoke run (`npm run bench -- --quick`), so they never rot: the real
// `node dist/bench/run.js --quick --out FILE` runs every bench end to end at a small
// size, and the figures it writes are checked — every bench present, every figure with
// its rows and bytes, every time and ratio a finite number — and bench/RESULTS.md is
// left alone. No timing is asserted. (`npm test` compiles to dist/ first.)
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const resultsFile = path.join(root, "bench", "RESULTS.md");
const digest = async () => createHash("sha256").update(await readFile(resultsFile).catch(() => Buffer.alloc(0))).digest("hex");
let dir: string;
let results: string;
let stdout: string;
let resultsBefore: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-quick-"));
  const out = path.join(dir, "quick.md");
  resultsBefore = await digest();
  // s3rver (the S3 bench) needs OpenSSL's legacy provider, as in `npm run bench`.
  const run = await promisify(execFile)(process.execPath, ["--openssl-legacy-provider", path.join(root, "dist", "bench", "run.js"), "--quick", "--out", out], {
    cwd: root, timeout: 170_000, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache") },
  }).catch((e: Error & { stdout?: string; stderr?: string }) => {
    throw new Error(`the quick bench run failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  });
  stdout = run.stdout;
  results = await readFile(out, "utf8");
}, 180_000);
afterAll(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

const BENCHES = ["handoff", "iteration-trace", "package-add", "replan", "sql-nodes", "kernel-roundtrip", "year", "scan"];

/** The section `## name`: its `which`-th table's title paragraph (the caption) and its cells, by header. */
function section(name: string, which = 0): { text: string; title: string; header: string[]; rows: string[][] } {
  const text = results.split(/^(?=## )/m).find((s) => s.startsWith(`## ${name}\n`));
  expect(text, `no section ${name} in\n${results}`).toBeDefined();
  const lines = text!.split("\n");
  // Tables are runs of "| " lines; a section may hold more than one.
  const starts = lines.map((l, i) => (l.startsWith("| ") && !lines[i - 1]?.startsWith("| ") ? i : -1)).filter((i) => i >= 0);
  const first = starts[which] ?? -1;
  expect(first, `${name}: no table ${which + 1}`).toBeGreaterThanOrEqual(0);
  let end = first;
  while (end < lines.length && lines[end]!.startsWith("| ")) end++;
  const table = lines.slice(first, end).filter((l) => !/^\| -/.test(l)).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  const title = lines.slice(0, first).reverse().find((l) => l.trim() !== "") ?? "";
  return { text: text!, title, header: table[0] ?? [], rows: table.slice(1) };
}

const number = (cell: string) => Number(cell.replace(/,/g, ""));
const isCount = (cell: string) => /^\d{1,3}(,\d{3})*$/.test(cell);
const isBytes = (cell: string) => /^\d+(\.\d+)? (B|KB|MB|GB)\b/.test(cell);
const toBytes = (cell: string) => {
  const [, n, unit] = /^([\d.]+) (B|KB|MB|GB)/.exec(cell)!;
  return Number(n) * { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[unit as "B"];
};
const isTime = (cell: string) => /^\d+(\.\d+)?$/.test(cell) && Number.isFinite(Number(cell));
/** Every column whose header names a time, a count of rows, or bytes, checked on every row but the parenthesized asides (start-up costs). */
function checkFigures(name: string, columns: { rows: string[]; bytes: string[]; ms: string[] }) {
  const s = section(name);
  expect(s.rows.length, `${name}: no rows`).toBeGreaterThan(0);
  const index = (h: string) => {
    const i = s.header.indexOf(h);
    expect(i, `${name}: no column "${h}" in ${s.header.join(" | ")}`).toBeGreaterThanOrEqual(0);
    return i;
  };
  for (const row of s.rows) {
    const where = `${name}: ${row.join(" | ")}`;
    // An aside (a start-up cost, a peak memory) has a time or none ("-").
    const aside = row[0]!.startsWith("(");
    for (const h of columns.ms) expect(isTime(row[index(h)]!) || (aside && row[index(h)] === "-"), where).toBe(true);
    if (aside) continue;
    for (const h of columns.rows) expect(isCount(row[index(h)]!), where).toBe(true);
    for (const h of columns.bytes) expect(isBytes(row[index(h)]!), where).toBe(true);
  }
  // The caption states the rows and the bytes, and its ratios are finite numbers.
  expect(s.title, name).toMatch(/\d[\d,]*[ -](rows?|executes)\b/);
  expect(s.title, name).toMatch(/\d+(\.\d+)? (B|KB|MB|GB)\b|bytes/);
  for (const m of s.title.matchAll(/(\S+)x\b/g)) if (/^[\d.]+$/.test(m[1]!)) expect(Number.isFinite(Number(m[1]))).toBe(true);
  expect(s.title, `${name}: a ratio could not be formed`).not.toMatch(/ -(?= )/);
  return s;
}

describe("npm run bench -- --quick", () => {
  it("states the machine and when each bench was measured, and leaves RESULTS.md alone", async () => {
    expect(results).toMatch(/on \d+ x .+, \d+ GiB, .+, Node v\d+/);
    for (const name of BENCHES) expect(section(name).text).toMatch(/Measured \d{4}-\d\d-\d\d \(quick run\) in [\d.]+ s on \d+ x .*; 1-minute load average [\d.]+ at the start\./);
    expect(results).not.toMatch(/FAILED/);
    expect(await digest()).toBe(resultsBefore);
    expect(stdout).not.toMatch(/refreshed .* RESULTS\.md/);
  });

  it("prints progress while it runs", () => {
    for (const [i, name] of BENCHES.entries()) expect(stdout).toContain(`== [${i + 1}/${BENCHES.length}] ${name} ==`);
    expect(stdout.match(/^ {2}· /gm)?.length ?? 0).toBeGreaterThan(20);
  });

  it("handoff: zero-copy, Arrow IPC, local Parquet and S3 Parquet, each with rows, bytes and a finite time", () => {
    const s = checkFigures("handoff", { rows: ["rows"], bytes: ["bytes moved"], ms: ["ms"] });
    const names = s.rows.map((r) => r[0]!);
    for (const want of [/^in-worker zero-copy: post to a running thread/, /^in-worker zero-copy: a whole model run on a warm thread/, /^Arrow IPC to a running process/, /^Parquet on local disk/, /^Parquet from S3/]) {
      expect(names.some((n) => want.test(n)), `${want}`).toBe(true);
    }
    for (const r of s.rows.filter((r) => !r[0]!.startsWith("("))) expect(number(r[1]!)).toBe(200_000);
    expect(s.rows.find((r) => r[0]!.startsWith("in-worker zero-copy: post"))![3]).toMatch(/^0 B copied/);
    expect(s.title).toMatch(/faster than Arrow IPC/);
  });

  it("iteration trace: where lakeloop's time went, per step and phase", () => {
    const s = section("iteration-trace", 1);
    expect(s.header.slice(0, 3)).toEqual(["step", "ms", "engine"]);
    expect(s.header).toContain("decode");
    expect(s.header).toContain("check");
    expect(s.rows.at(-1)![0]).toBe("total");
    for (const r of s.rows) for (const cell of r.slice(1)) expect(isTime(cell), r.join(" | ")).toBe(true);
    expect(s.title).toMatch(/Steps that fetch nothing \([\d, ]+\) took at most [\d.]+x DuckDB's time/);
  });

  it("iteration trace: at least 10 edits, per step and in total, for lakeloop, cache off, DuckDB and the ideal", () => {
    const s = checkFigures("iteration-trace", {
      rows: ["rows"], bytes: ["lakeloop bytes", "cache off bytes", "DuckDB bytes", "ideal new bytes"], ms: ["lakeloop ms", "cache off ms", "DuckDB ms"],
    });
    expect(s.rows.length).toBeGreaterThanOrEqual(12); // a first run, at least 10 edits, the total
    expect(s.rows.at(-1)![0]).toBe("total");
    const steps = s.rows.slice(0, -1);
    expect(steps.some((r) => /widen/.test(r[0]!)) && steps.some((r) => /narrow/.test(r[0]!)) && steps.some((r) => /add column/.test(r[0]!)) &&
      steps.some((r) => /drop column/.test(r[0]!)) && steps.some((r) => /filter/.test(r[0]!)) && steps.some((r) => /downstream/.test(r[0]!))).toBe(true);
    // Bytes, not times: lakeloop fetched something, and less than with its cache off.
    const total = s.rows.at(-1)!;
    expect(toBytes(total[3]!)).toBeGreaterThan(0);
    expect(toBytes(total[3]!)).toBeLessThan(toBytes(total[5]!));
  });

  it("package add: the slot runs the bench when it is there, and says so when it is not", () => {
    const s = section("package-add");
    if (/not available/.test(s.text)) return;
    expect(s.rows.length).toBeGreaterThan(0);
    const ms = s.header.indexOf("ms");
    expect(ms).toBeGreaterThanOrEqual(0);
    for (const r of s.rows) expect(isTime(r[ms]!), r.join(" | ")).toBe(true);
  });

  it("re-plan: a 20-model DAG, no-op re-run and a one-node edit", () => {
    const s = checkFigures("replan", { rows: ["rows"], bytes: ["bytes fetched"], ms: ["ms"] });
    expect(s.rows.map((r) => r[1])).toEqual(["21", "0", "0", "1"]);
    expect(s.rows.find((r) => r[0] === "no-op re-run")![2]).toBe("20");
    expect(s.rows.find((r) => r[0]!.startsWith("one-node edit"))![2]).toBe("19"); // the other 19 models; the scan is not needed
  });

  it("SQL nodes: the native and the JavaScript path next to DuckDB's own GROUP BY", () => {
    const s = checkFigures("sql-nodes", { rows: ["rows"], bytes: ["bytes"], ms: ["ms"] });
    expect(s.rows).toHaveLength(11);
    expect(s.rows[0]![0]).toMatch(/^native/);
    expect(s.rows.some((r) => /^JavaScript path/.test(r[0]!))).toBe(true);
    expect(s.rows[0]![1]).toBe("200,000");
    expect(s.title).toMatch(/the native path costs [\d.]+x the GROUP BY itself; the js path costs [\d.]+x/);
  });

  it("year: cold and after a SQL edit against DuckDB, and the worker's peak memory", () => {
    const s = checkFigures("year", { rows: ["rows"], bytes: ["bytes read"], ms: ["lakeloop ms", "DuckDB ms"] });
    expect(s.rows.map((r) => r[0]!.slice(0, 5))).toEqual(["cold:", "after", "(the "]);
    expect(s.title).toMatch(/cold [\d.]+x DuckDB's time, after the SQL edit [\d.]+x/);
    expect(s.title).toMatch(/peak memory: [\d.]+ (KB|MB|GB)/);
  });

  it("kernel round trip: median, p90 and max over the real kernel's sockets", () => {
    const s = checkFigures("kernel-roundtrip", { rows: ["rows"], bytes: ["bytes"], ms: ["ms"] });
    expect(s.rows.map((r) => r[0]).slice(0, 3)).toEqual(["median", "p90", "max"]);
    expect(number(s.rows[0]![3]!)).toBeLessThanOrEqual(number(s.rows[2]![3]!));
  });

  it("scan: cold and warm scans against DuckDB's read_parquet", () => {
    const s = checkFigures("scan", { rows: ["rows"], bytes: ["object store"], ms: ["ms"] });
    expect(s.rows[0]![0]).toMatch(/^cold/);
    expect(s.rows.some((r) => /^warm: from memory/.test(r[0]!))).toBe(true);
    expect(s.rows.some((r) => /^DuckDB read_parquet/.test(r[0]!))).toBe(true);
    expect(new Set(s.rows.filter((r) => !/window|widened/.test(r[0]!)).map((r) => r[1]))).toEqual(new Set(["100,000"]));
  });
});
