// The seed example through the real command line: `lakeloop run` on the project
// folder materializes usd_by_country as a new Iceberg snapshot that `lakeloop query`
// reads; `--json` tells a script what ran and what was fetched.
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

const lakeloop = (...args: string[]) => run(process.execPath, [bin, ...args], { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-cli-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  await lakeloop("sample", "--rows", "50000", "--quiet");
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("lakeloop run examples/seed", () => {
  it("runs the seed pipeline, materializes usd_by_country, and reports per node as JSON", async () => {
    const first = JSON.parse((await lakeloop("run", path.join(root, "examples/seed"), "--json")).stdout) as { nodes: { name: string; action: string; read: { objectStoreBytes: number } }[] };
    expect(first.nodes.map((n) => n.action)).toEqual(["ran", "ran", "ran"]);
    expect(first.nodes[0]!.read.objectStoreBytes).toBeGreaterThan(0);

    const table = JSON.parse((await lakeloop("describe", "usd_by_country", "--json")).stdout) as { snapshots: unknown[]; rows: number };
    expect(table.snapshots).toHaveLength(1);
    expect(table.rows).toBe(20);

    // A new process: outputs are not resident any more, but the scan comes from the disk cache.
    const second = JSON.parse((await lakeloop("run", path.join(root, "examples/seed"), "--json")).stdout) as typeof first;
    expect(second.nodes[0]!.read.objectStoreBytes).toBe(0);

    const rows = JSON.parse((await lakeloop("query", "SELECT country, usd FROM usd_by_country ORDER BY usd DESC LIMIT 2", "--json")).stdout) as { country: string }[];
    expect(rows.map((r) => r.country)).toEqual(["DE", "FR"]);
    const csv = (await lakeloop("query", "SELECT count(*) AS n FROM transactions WHERE country = 'IT'", "--csv")).stdout;
    expect(csv).toMatch(/^n\n\d+\n$/);
  });

  it("shows where each node's time went with --profile, as a table and in --json", async () => {
    // A fresh cache, so the scan fetches and decodes.
    const fresh = { ...env, LAKELOOP_CACHE: path.join(dir, "cache-profile") };
    const { stdout } = await run(process.execPath, [bin, "run", path.join(root, "examples/seed"), "--profile"], { env: fresh, cwd: dir });
    const table = stdout.slice(stdout.lastIndexOf("\nnode "));
    expect(table).toMatch(/^\nnode +ms +plan +fetch +decode/);
    expect(table).toMatch(/\ntransactions\[id, usd, country\].* +\d+(\.\d)? +\d/);
    expect(table).toMatch(/\neuro_selection +\d.*\d/);
    expect(table).toMatch(/\nusd_by_country +\d.*\d/);
    expect(table).toMatch(/\nplanning here [\d.]+ ms; worker round trip [\d.]+ ms/);
    const json = JSON.parse((await run(process.execPath, [bin, "run", path.join(root, "examples/seed"), "--json", "--profile"], { env: fresh, cwd: dir })).stdout) as
      { nodes: { name: string; action: string; profile?: Record<string, number> }[]; timing: { plan: number; run: number } };
    expect(json.timing.plan).toBeGreaterThan(0);
    // The second run in a new process reads the scan from the disk cache: it decodes, fetches nothing.
    const scan = json.nodes.find((n) => n.name.startsWith("transactions"))!;
    expect(Object.keys(scan.profile ?? {})).toEqual(expect.arrayContaining(["plan", "fetch", "decode", "filter"]));
    const model = json.nodes.find((n) => n.name === "euro_selection")!;
    expect(Object.keys(model.profile ?? {})).toEqual(expect.arrayContaining(["hand-off", "thread", "model", "check"]));
    const sql = json.nodes.find((n) => n.name === "usd_by_country")!;
    expect(Object.keys(sql.profile ?? {})).toEqual(expect.arrayContaining(["sql-in", "sql", "sql-out", "materialize"]));
    const plain = JSON.parse((await lakeloop("run", path.join(root, "examples/seed"), "--json")).stdout) as typeof json;
    expect(plain.nodes.every((n) => n.profile === undefined)).toBe(true);
  });

  it("prints the plan's three views on --dry-run without running anything", async () => {
    const { stdout } = await lakeloop("run", path.join(root, "examples/seed"), "--dry-run");
    expect(stdout).toMatch(/logical plan:\n  euro_selection: tx <- table transactions\[id, usd, country\]/);
    expect(stdout).toMatch(/physical plan:\n  RUN   scan transactions/);
    expect(stdout).toMatch(/worker view:\n  scan .*all 4 columns cached .*nothing to fetch/);
  });

  it("explains bad input in one line and exits non-zero", async () => {
    const failure = await lakeloop("query", "SELECT nope FROM transactionz").catch((e: { stderr: string; code: number }) => e);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/reads "transactionz", which is neither a model nor a lake table \(did you mean "transactions"\?\)/);
  });
});
