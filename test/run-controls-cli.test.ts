// `lakeloop run`'s controls through the real command line, on a project with parameters
// and expectations: --param (typed, with errors naming the parameter, value and type),
// --strict (a failed warning fails the run and holds back the write), --cache off (every
// scan reads the object store), --preview head|tail|none [N], and --json's expectations.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lakeloop.js");
let dir: string;
let project: string;
let env: NodeJS.ProcessEnv;

/** Runs lakeloop; resolves with its exit code and output whatever the code. */
async function lakeloop(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { env: { ...env, ...extraEnv }, cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface RunJson {
  nodes: { name: string; action: string; reason: string; rows?: number; read: { objectStoreBytes: number }; materialized?: { table: string }; notMaterialized?: string }[];
  expectations: { name: string; model: string; status: string; blocking: boolean; rows?: number; message?: string; sample?: Record<string, unknown>[] }[];
  parameters: Record<string, string | number | null>;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-controls-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  project = path.join(dir, "project");
  await mkdir(project);
  await writeFile(path.join(project, "params.ts"), `import { Parameter } from "lakeloop";\nParameter("start", "2023-01-01");\nParameter("end", "2023-02-01");\nParameter("offset", 0);\n`);
  await writeFile(path.join(project, "window.ts"), `import { model, Model } from "lakeloop";
model("window", { tx: Model("transactions", { columns: ["id", "usd"], filter: "eventTime >= $start AND eventTime < $end" }) }, ({ tx }, { params }) => {
  const rows = [];
  for (let i = 0; i < tx.numRows; i++) rows.push({ id: Number(tx.getChild("id").get(i)), usd: tx.getChild("usd").get(i) - params.offset });
  return rows;
}, { materialize: true });
`);
  await writeFile(path.join(project, "checks.ts"), `import { expect } from "lakeloop";\nexpect.range("window", "usd", { min: 0 }, { severity: "warn" });\n`);
  await writeFile(path.join(project, "ids_present.sql"), `-- lakeloop: expect --model window\nSELECT id FROM "window" WHERE id IS NULL\n`);
  await writeFile(path.join(project, "ordered.sql"), `SELECT id FROM "window" ORDER BY id\n`);
  await lakeloop(["sample", "--rows", "30000", "--months", "3", "--quiet"]);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("lakeloop run's controls", () => {
  it("--param gives parameters typed values; --json reports them and the expectations", async () => {
    const jan = await lakeloop(["run", project, "--json"]);
    expect(jan.code).toBe(0);
    const first = JSON.parse(jan.stdout) as RunJson;
    expect(first.parameters).toEqual({ start: "2023-01-01", end: "2023-02-01", offset: 0 });
    expect(first.expectations.map((e) => [e.name, e.model, e.status, e.blocking])).toEqual([["window_usd_range", "window", "passed", false], ["ids_present", "window", "passed", true]]);
    const janRows = first.nodes.find((n) => n.name === "window")!.rows!;
    expect(first.nodes.find((n) => n.name === "window")!.materialized?.table).toBe("default.window");

    const wider = JSON.parse((await lakeloop(["run", project, "--json", "--param", "end=2023-03-01"])).stdout) as RunJson;
    expect(wider.parameters.end).toBe("2023-03-01");
    expect(wider.nodes.find((n) => n.name === "window")!.rows).toBeGreaterThan(janRows * 1.8);
    expect(wider.nodes.find((n) => n.name.startsWith("transactions"))!.name).toContain("eventTime < DATE '2023-03-01'");
  });

  it("refuses a bad --param, naming the parameter, the value and the type", async () => {
    const bad = await lakeloop(["run", project, "--param", "end=next week"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('lakeloop run: --param end=next week: parameter end is a date: "next week" is not a date (YYYY-MM-DD)');
    const unknown = await lakeloop(["run", project, "--param", "ned=2023-01-01"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--param ned=2023-01-01: no parameter named ned \(did you mean end\?\); parameters: start, end, offset/);
    const shapeless = await lakeloop(["run", project, "--param", "end"]);
    expect(shapeless.stderr).toMatch(/--param takes name=value \(e\.g\. --param start=2023-02-01\), got 'end'/);
  });

  it("--strict fails the run on a warning and holds back the materialization", async () => {
    const describeWindow = async () => JSON.parse((await lakeloop(["describe", "window", "--json"])).stdout) as { snapshots: unknown[] };
    const before = (await describeWindow()).snapshots.length;
    const lenient = await lakeloop(["run", project, "--param", "offset=1000"]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/\n! expectation window_usd_range on window \(warning\): [\d,]+ offending rows\n/);
    expect(lenient.stdout).toMatch(/; 2 expectations: 1 passed, 1 warning\n/);
    expect((await describeWindow()).snapshots.length).toBe(before + 1); // a warning does not block

    const strict = await lakeloop(["run", project, "--param", "offset=2000", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/\n✗ expectation window_usd_range on window: [\d,]+ offending rows; window not materialized\n/);
    expect(strict.stderr).toMatch(/✓ window: .*not written: expectation window_usd_range failed/);
    expect((await describeWindow()).snapshots.length).toBe(before + 1);
  });

  it("--merge publishes the branch only when the run held: a failed blocking expectation merges nothing", async () => {
    const mainSnapshot = async () => (JSON.parse((await lakeloop(["describe", "window", "--json"])).stdout) as { currentSnapshotId: number | null }).currentSnapshotId;
    expect(await lakeloop(["run", project, "--param", "offset=0"])).toMatchObject({ code: 0 });
    expect((await lakeloop(["branch", "create", "gate"])).code).toBe(0);
    const before = await mainSnapshot();
    // Under --strict the range check blocks: the run fails, nothing is merged, main is as it was.
    const held = await lakeloop(["run", project, "--branch", "gate", "--param", "offset=5000", "--strict", "--merge"]);
    expect(held.code).toBe(1);
    expect(held.stderr).toMatch(/^lakeloop run: cannot merge gate: expectation window_usd_range on window failed in this run; nothing was merged\. Fix the model or its data, run again, then merge$/m);
    expect(held.stdout).not.toMatch(/merged gate/);
    expect(await mainSnapshot()).toBe(before);
    // The fix passes: the branch's window is published into main in the same command.
    const merged = await lakeloop(["run", project, "--branch", "gate", "--param", "offset=1", "--strict", "--merge"]);
    expect(merged.code).toBe(0);
    const published = /^merged gate into main: window \(snapshot (\d+)\)$/m.exec(merged.stdout);
    expect(published).not.toBeNull();
    expect(await mainSnapshot()).toBe(Number(published![1]));
    expect(await lakeloop(["run", project, "--merge"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--merge goes with --branch NAME/) });
    expect(await lakeloop(["run", project, "--branch", "gate", "--target", "window", "--merge"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--merge runs every model.*leave out --target/) });
    // --json keeps its output JSON: the merge is a field of it.
    expect((await lakeloop(["branch", "create", "gate2"])).code).toBe(0);
    const json = await lakeloop(["run", project, "--branch", "gate2", "--param", "offset=2", "--merge", "--json"]);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { merge?: { from: string; into: string; published: { table: string; snapshotId: number }[] } };
    expect(out.merge).toMatchObject({ from: "gate2", into: "main", published: [{ table: "default.window" }] });
    expect(await mainSnapshot()).toBe(out.merge!.published[0]!.snapshotId);
  });

  it("--cache off reads every scan from the object store", async () => {
    const fresh = { LAKELOOP_CACHE: path.join(dir, "cache-off-test") };
    const scanBytes = async (...flags: string[]) => {
      const out = JSON.parse((await lakeloop(["run", project, "--json", ...flags], fresh)).stdout) as RunJson;
      return out.nodes.find((n) => n.name.startsWith("transactions"))!;
    };
    const cold = await scanBytes();
    expect(cold.read.objectStoreBytes).toBeGreaterThan(0);
    expect((await scanBytes()).read.objectStoreBytes).toBe(0); // a new process: from the disk cache
    const off = await scanBytes("--cache", "off");
    expect(off.read.objectStoreBytes).toBe(cold.read.objectStoreBytes);
    expect((await lakeloop(["run", project, "--cache", "of"])).stderr).toMatch(/--cache must be on or off, got 'of'/);
  });

  it("--preview head|tail|none [N] picks the rows shown", async () => {
    const ids = (stdout: string, name: string) => {
      const at = stdout.indexOf(`\n${name} (`);
      return stdout.slice(at + 1).split("\n\n")[0]!.split("\n").slice(3).map(Number);
    };
    const head = await lakeloop(["run", project, "--preview", "head", "3"]);
    expect(head.stdout).toMatch(/\nordered \([\d,]+ rows\)\nid/);
    const first = ids(head.stdout, "ordered");
    expect(first).toHaveLength(3);
    const tail = await lakeloop(["run", project, "--preview", "tail", "2"]);
    expect(tail.stdout).toMatch(/\nordered \([\d,]+ rows, last 2\)\nid/);
    const last = ids(tail.stdout, "ordered");
    expect(last).toHaveLength(2);
    expect(last[0]).toBeLessThan(last[1]!);
    expect(last[0]).toBeGreaterThan(first[2]!);
    const max = (await lakeloop(["query", "SELECT max(id) AS m FROM transactions WHERE eventTime >= '2023-01-01' AND eventTime < '2023-02-01'", "--csv"])).stdout.split("\n")[1];
    expect(String(last[1])).toBe(max);
    const none = await lakeloop(["run", project, "--preview", "none"]);
    expect(none.stdout).not.toMatch(/\nordered \(/);
    expect(none.stdout).toMatch(/reused|ran/);
    expect((await lakeloop(["run", project, "--preview", "middle"])).stderr).toMatch(/--preview must be head, tail or none/);
  });
});
