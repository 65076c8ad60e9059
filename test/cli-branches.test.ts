// Branches through the real command line: make a branch, run a project on it, query
// it, merge it; a conflicting merge names the tables and changes nothing; tags are
// read-only. Every step is a `node bin/lakeloop.js` process (compiled first).
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
let env: NodeJS.ProcessEnv;

interface Outcome { code: number; stdout: string; stderr: string }

const lakeloop = (...args: string[]): Promise<Outcome> =>
  exec(process.execPath, [bin, ...args], { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

const write = async (name: string, text: string) => {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
};

/** The project's one model: totals by region, of the sales above `min`. */
const totals = (min: number) => write("project/totals.sql", `-- lakeloop: materialize\nSELECT region, sum(amount) AS total FROM sales WHERE amount > ${min} GROUP BY region ORDER BY region\n`);
const query = async (sql: string, ...more: string[]) => {
  const out = await lakeloop("query", sql, "--csv", ...more);
  expect(out.stderr).toBe("");
  return out.stdout;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-cli-branches-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  const csv = await write("sales.csv", "id,region,amount\n1,north,5\n2,north,50\n3,south,7\n4,south,70\n5,east,9\n");
  expect((await lakeloop("import", "sales", csv, "--quiet")).code).toBe(0);
  await totals(0);
  expect((await lakeloop("run", path.join(dir, "project"))).code).toBe(0);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("lakeloop branch, run --branch, query --branch, merge", () => {
  it("runs a project on a branch without touching main, then merges it", async () => {
    const mainTotals = "region,total\neast,9\nnorth,55\nsouth,77\n";
    expect(await query("SELECT * FROM totals ORDER BY region")).toBe(mainTotals);
    expect(await lakeloop("branch", "create", "dev")).toEqual({ code: 0, stdout: "made branch dev from main: 2 tables, no data copied\n", stderr: "" });

    await totals(8);
    const ran = await lakeloop("run", path.join(dir, "project"), "--branch", "dev");
    expect(ran.code).toBe(0);
    expect(ran.stderr).toMatch(/✓ totals: 3 rows .*wrote default\.totals snapshot \d+/);
    const devTotals = "region,total\neast,9\nnorth,50\nsouth,70\n";
    expect(await query("SELECT * FROM totals ORDER BY region", "--branch", "dev")).toBe(devTotals);
    expect(await query("SELECT * FROM totals ORDER BY region")).toBe(mainTotals);
    expect((await lakeloop("branch", "list")).stdout).toMatch(/^  main\n  dev \(branch from main, .* UTC; changed: totals\)\n$/);
    expect(JSON.parse((await lakeloop("tables", "--json", "--branch", "dev")).stdout).map((t: { name: string }) => t.name)).toEqual(["default.sales", "default.totals"]);

    const merged = await lakeloop("merge", "dev");
    expect(merged).toMatchObject({ code: 0, stderr: "" });
    expect(merged.stdout).toMatch(/^merged dev into main: totals \(snapshot \d+\)\n$/);
    expect(await query("SELECT * FROM totals ORDER BY region")).toBe(devTotals);
    expect((await lakeloop("merge", "dev")).stdout).toBe("nothing to merge: dev changed no table that main does not have\n");
  });

  it("refuses a conflicting merge with one line naming the tables, and merges nothing", async () => {
    await lakeloop("branch", "create", "exp");
    await totals(60);
    expect((await lakeloop("run", path.join(dir, "project"), "--branch", "exp")).code).toBe(0);
    await write("project/regions.sql", "-- lakeloop: materialize\nSELECT DISTINCT region FROM sales\n");
    expect((await lakeloop("run", path.join(dir, "project"), "--branch", "exp")).code).toBe(0);
    // main moves on: totals changes there too.
    await totals(1);
    expect((await lakeloop("run", path.join(dir, "project"), "--target", "totals")).code).toBe(0);
    const mainNow = await query("SELECT * FROM totals ORDER BY region");

    const refused = await lakeloop("merge", "exp");
    expect(refused).toEqual({
      code: 1, stdout: "",
      stderr: "lakeloop merge: cannot merge exp into main: table totals changed on both exp and main since exp was made or last merged; nothing was merged " +
        "(merges are fast-forward only, table by table). Branch again from main and run there, or roll main's table back\n",
    });
    expect(await query("SELECT * FROM totals ORDER BY region")).toBe(mainNow);
    expect((await lakeloop("describe", "regions")).stderr).toBe("lakeloop describe: table 'regions' is not on main; it is on branch exp (merge it into main to publish it)\n");
    expect(await query("SELECT count(*) AS n FROM regions", "--branch", "exp")).toBe("n\n3\n");
  });

  it("tags are read-only names of the lake as it was", async () => {
    const before = await query("SELECT * FROM totals ORDER BY region");
    expect((await lakeloop("tag", "create", "v1")).stdout).toBe("made tag v1 from main: 2 tables, no data copied\n");
    await totals(3);
    expect((await lakeloop("run", path.join(dir, "project"), "--target", "totals")).code).toBe(0);
    expect(await query("SELECT * FROM totals ORDER BY region", "--branch", "v1")).toBe(before);
    const onTag = await lakeloop("run", path.join(dir, "project"), "--branch", "v1", "--target", "totals");
    expect(onTag.code).toBe(1);
    expect(onTag.stderr).toContain("'v1' is a tag, and tags never change; make a branch from it to write (lakeloop branch create NAME --from v1)");
    expect(await query("SELECT * FROM totals ORDER BY region", "--branch", "v1")).toBe(before);
    expect((await lakeloop("branch", "create", "fix", "--from", "v1")).code).toBe(0);
    expect(await query("SELECT * FROM totals ORDER BY region", "--branch", "fix")).toBe(before);
  });

  it("says what is wrong in one line: unknown branch, bad name, bad arguments", async () => {
    expect(await lakeloop("query", "SELECT 1 AS x", "--branch", "deev")).toEqual({ code: 1, stdout: "", stderr: "lakeloop query: the lake has no branch or tag 'deev' (did you mean 'dev'?); refs: main, dev, exp, fix, v1\n" });
    expect((await lakeloop("branch", "create", "no way")).stderr).toBe("lakeloop branch: bad branch name 'no way': start with a letter, then letters, digits, '.', '_' or '-' (at most 64)\n");
    expect((await lakeloop("branch", "create", "dev")).stderr).toMatch(/^lakeloop branch: branch 'dev' already exists \(made from main at .*\)\n$/);
    expect(await lakeloop("branch", "rename", "dev")).toMatchObject({ code: 2, stderr: "lakeloop branch: branch takes create NAME, list or delete NAME; run 'lakeloop branch --help'\n" });
    expect(await lakeloop("merge", "v1")).toMatchObject({ code: 1, stderr: "lakeloop merge: 'v1' is a tag, and tags never change; merges go between main and a branch\n" });
    // regions was made on exp: main cannot have a table of that name until exp goes.
    const clash = await lakeloop("run", path.join(dir, "project"), "--target", "regions");
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain("table 'regions' is not on main; it is on branch exp (merge it into main to publish it)");
    expect((await lakeloop("branch", "delete", "exp")).stdout).toBe("deleted branch exp\n");
    expect((await lakeloop("run", path.join(dir, "project"), "--target", "regions")).code).toBe(0);
    expect(await query("SELECT count(*) AS n FROM regions")).toBe("n\n3\n");
    expect((await lakeloop("query", "SELECT 1 AS x", "--branch", "exp")).stderr).toMatch(/the lake has no branch or tag 'exp'/);
  });
});
