// The lake's guarantees through the real command line (issue 14, "nothing lost,
// nothing wrong"): bad input is refused in one line naming what and where, values
// come back exact, and reading never changes the lake.
import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
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

/** Runs the CLI; resolves with its exit code and output whether it failed or not. */
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

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-guarantees-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  const csv = await write("big.csv", "id,name,day,seen\n1234567890123456789,a,2023-01-04,2023-01-01 00:00:12.148082\n1234567890123456790,b,2023-01-05,2023-01-02 00:00:00\n5,c,2023-01-06,2023-01-03 10:00:00.5\n");
  expect((await lakeloop("import", "big", csv, "--quiet")).code).toBe(0);
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("import", () => {
  it("refuses a CSV whose last line has an extra field, and creates no table", async () => {
    const file = await write("last.csv", ["id,name,city", ...Array.from({ length: 999 }, (_, i) => `${i},N${i},Rome`), "999999,Smith, John,Paris"].join("\n") + "\n");
    const out = await lakeloop("import", "people", file);
    expect(out).toMatchObject({ code: 1, stdout: "" });
    expect(out.stderr).toBe("lakeloop import: last.csv line 1001: expected 3 fields like the header, found 4\n");
    expect((await lakeloop("describe", "people")).stderr).toMatch(/table 'people' does not exist/);
  });
});

describe("leftovers of a killed import", () => {
  it("are removed by the next import; its own staging folder is gone when it ends", async () => {
    const tmp = path.join(dir, "tmp");
    const left = path.join(tmp, "lakeloop-write-999999999-killed");
    await mkdir(path.join(left, "__p0=v636"), { recursive: true });
    await writeFile(path.join(left, "__p0=v636", "data_0.parquet"), Buffer.alloc(4096));
    const longAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(left, longAgo, longAgo);
    const csv = await write("sweep.csv", "id\n1\n");
    const saved = env;
    env = { ...env, TMPDIR: tmp };
    try {
      expect((await lakeloop("import", "swept", csv, "--quiet")).code).toBe(0);
    } finally {
      env = saved;
    }
    expect(await readdir(tmp)).toEqual([]);
  });
});

describe("import of NULL partition values", () => {
  it("imports rows whose month(ts) is NULL, reads them back and describes the null partition", async () => {
    const csv = await write("events.csv", "id,ts\n1,2023-01-05 10:00:00\n2,\n3,2023-02-01 00:00:00\n");
    expect((await lakeloop("import", "events", csv, "--partition-by", "month(ts)", "--quiet")).code).toBe(0);
    expect((await lakeloop("query", "SELECT count(*) AS n, count(ts) AS with_ts FROM events", "--csv")).stdout).toBe("n,with_ts\n3,2\n");
    expect((await lakeloop("query", "SELECT id FROM events WHERE ts IS NULL", "--csv")).stdout).toBe("id\n2\n");
    expect((await lakeloop("describe", "events")).stdout).toMatch(/\n  ts_month=null +1 files +1 rows/);
  });
});

describe("query", () => {
  it("finds 64-bit ids by = and IN (the pushed-down filter keeps every digit)", async () => {
    const eq = await lakeloop("query", "SELECT name FROM big WHERE id = 1234567890123456789", "--csv");
    expect(eq.stdout).toBe("name\na\n");
    const list = await lakeloop("query", "SELECT name FROM big WHERE id IN (1234567890123456790, 5) ORDER BY name", "--csv");
    expect(list.stdout).toBe("name\nb\nc\n");
  });

  it("prints longs exactly and dates and timestamps in ISO 8601 in JSON, CSV and the table", async () => {
    const sql = "SELECT id, day, seen, CAST(seen AS TIMESTAMPTZ) AS instant FROM big ORDER BY day LIMIT 1";
    expect((await lakeloop("query", sql, "--json")).stdout)
      .toBe(`[\n  {"id": 1234567890123456789, "day": "2023-01-04", "seen": "2023-01-01T00:00:12.148082", "instant": "2023-01-01T00:00:12.148082Z"}\n]\n`);
    expect((await lakeloop("query", sql, "--csv")).stdout)
      .toBe("id,day,seen,instant\n1234567890123456789,2023-01-04,2023-01-01T00:00:12.148082,2023-01-01T00:00:12.148082Z\n");
    expect((await lakeloop("query", sql)).stdout).toMatch(/\n1234567890123456789 +2023-01-04 +2023-01-01T00:00:12\.148082 +2023-01-01T00:00:12\.148082Z\n/);
  });

  it("says it runs read-only SELECT statements when given DROP or COPY", async () => {
    for (const [sql, verb] of [["DROP TABLE big", "DROP"], ["COPY big TO 'x.csv'", "COPY"]]) {
      const out = await lakeloop("query", sql!);
      expect(out.code).toBe(2);
      expect(out.stderr).toBe(`lakeloop query: query runs read-only SELECT statements: not a ${verb} statement\n`);
    }
  });

  it("points errors at the query's own line", async () => {
    expect((await lakeloop("query", "SELECT * FROM bigg")).stderr).toMatch(/^lakeloop query: query:1: model "query" reads "bigg"/);
    expect((await lakeloop("query", "SELECT 1 FROM big\nWHERE id = = 1")).stderr).toMatch(/^lakeloop query: query:2: SQL does not parse/);
  });
});

describe("run", () => {
  it("points an error in a one-line .sql file at line 1", async () => {
    const project = path.join(dir, "one-line");
    await write("one-line/only.sql", "SELECT * FROM bigg\n");
    const out = await lakeloop("run", project);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/only\.sql:1: model "only" reads "bigg", which is neither a model nor a lake table \(did you mean "big"\?\)/);
  });
});

describe("materializing onto a model's own input", () => {
  const rowsOf = async (table: string) => Number(JSON.parse((await lakeloop("describe", table, "--json")).stdout).rows);

  it("is refused when the model reads the table, directly or upstream, and the table is untouched", async () => {
    await write("onto-input/shrink.sql", "-- lakeloop: materialize=big\nSELECT * FROM big WHERE name = 'a'\n");
    const direct = await lakeloop("run", path.join(dir, "onto-input"));
    expect(direct.code).toBe(1);
    expect(direct.stderr).toMatch(/shrink\.sql:2: model "shrink" would materialize onto table big, which it reads: every run would replace the rows it is computed from/);
    await write("upstream/a.sql", "SELECT * FROM big WHERE id > 0\n");
    await write("upstream/b.sql", "-- lakeloop: materialize=big\nSELECT * FROM a\n");
    expect((await lakeloop("run", path.join(dir, "upstream"), "--dry-run")).stderr).toMatch(/model "b" would materialize onto table big, which it reads through model "a"/);
    expect(await rowsOf("big")).toBe(3);
  });

  it("runs when overwrite-input says it is meant", async () => {
    const csv = await write("scratch.csv", "id,name\n1,a\n2,b\n3,c\n");
    expect((await lakeloop("import", "scratch", csv, "--quiet")).code).toBe(0);
    await write("overwrite/trim.sql", "-- lakeloop: materialize=scratch overwrite-input\nSELECT * FROM scratch WHERE name <> 'b'\n");
    expect((await lakeloop("run", path.join(dir, "overwrite"))).code).toBe(0);
    expect(await rowsOf("scratch")).toBe(2);
  });
});

describe("the lake's location", () => {
  it("refuses a path that cannot hold a lake at once: /proc, a file", async () => {
    for (const lake of ["file:///proc/x", "file:///proc"]) {
      const out = await lakeloop("tables", "--lake", lake);
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(/^lakeloop tables: cannot use \/proc(\/x)? as a lake: it is in a system folder \(\/proc\), not on a disk\n$/);
    }
    const file = await write("not-a-folder", "x");
    const out = await lakeloop("import", "t", file, "--lake", file);
    expect(out).toMatchObject({ code: 1, stderr: `lakeloop import: cannot use ${file} as a lake: ${file} is a file\n` });
  });

  it("never creates a lake for reading commands: says where it is missing", async () => {
    const missing = path.join(dir, "typo-lake");
    await write("reader/q.sql", "SELECT 1 AS one\n");
    for (const args of [["tables"], ["describe", "big"], ["query", "SELECT 1 AS one"], ["run", path.join(dir, "reader")]]) {
      const out = await lakeloop(...args, "--lake", `file://${missing}`);
      expect(out.code).toBe(1);
      expect(out.stderr).toBe(`lakeloop ${args[0]}: no lake at ${missing}: the folder does not exist (check --lake or LAKELOOP_LAKE; 'lakeloop sample' or 'lakeloop import' create a lake)\n`);
    }
    await expect(access(missing)).rejects.toThrow(/ENOENT/);
  });

  it("says where an empty lake is", async () => {
    const empty = path.join(dir, "empty-lake");
    await mkdir(empty);
    expect((await lakeloop("tables", "--lake", empty)).stdout).toBe(`the lake at file://${empty} has no tables yet; try \`lakeloop sample\`\n`);
    expect((await lakeloop("describe", "t", "--lake", empty)).stderr).toBe(`lakeloop describe: table 't' does not exist; the lake at file://${empty} has no tables yet (try \`lakeloop sample\`)\n`);
  });

  it("lists the readable tables when one table's metadata is broken, and marks that one", async () => {
    const lake = path.join(dir, "broken-lake");
    const csv = await write("two.csv", "id\n1\n");
    for (const t of ["good", "bad"]) expect((await lakeloop("import", t, csv, "--lake", lake, "--quiet")).code).toBe(0);
    await writeFile(path.join(lake, "default", "bad", "metadata", "v2.metadata.json"), "{ not json");
    const out = await lakeloop("tables", "--lake", lake);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/\ndefault\.bad +unreadable: cannot read Iceberg metadata file:\/\/.*\/bad\/metadata\/v2\.metadata\.json: .*JSON/);
    expect(out.stdout).toMatch(/\ndefault\.good +1 +1 /);
    expect(out.stderr).toBe("lakeloop tables: 1 of 2 tables cannot be read: default.bad\n");
  });
});

describe("drop and rollback", () => {
  it("rolls a table back to a snapshot describe lists, then drops it", async () => {
    const csv = await write("undo.csv", "id\n1\n2\n");
    expect((await lakeloop("import", "undo", csv, "--quiet")).code).toBe(0);
    expect((await lakeloop("import", "undo", csv, "--mode", "append", "--quiet")).code).toBe(0);
    const described = JSON.parse((await lakeloop("describe", "undo", "--json")).stdout) as { snapshots: { id: number; time: string }[]; rows: number };
    expect(described.rows).toBe(4);
    const [first, second] = described.snapshots;
    expect((await lakeloop("describe", "undo")).stdout).toContain(`    ${first!.id}  ${first!.time}  append`);
    const back = await lakeloop("rollback", "undo", "--to", String(first!.id));
    expect(back.stdout).toMatch(new RegExp(`^default\\.undo is at snapshot ${first!.id} again \\(2 rows\\)`));
    expect((await lakeloop("query", "SELECT count(*) AS n FROM undo", "--csv")).stdout).toBe("n\n2\n");
    expect((await lakeloop("describe", "undo")).stdout).toContain(`  * ${first!.id}`);
    expect((await lakeloop("rollback", "undo", "--to", "12")).stderr).toMatch(`has no snapshot with id 12; snapshots: ${first!.id}, ${second!.id}`);
    expect((await lakeloop("drop", "undo")).stdout).toBe("dropped default.undo\n");
    expect((await lakeloop("tables")).stdout).not.toContain("undo");
    expect((await lakeloop("drop", "undo")).stderr).toMatch(/table 'undo' does not exist/);
  });

  it("names the drop command when a materialized model's columns change", async () => {
    const project = path.join(dir, "changing");
    await write("changing/mat.sql", "-- lakeloop: materialize\nSELECT id FROM big\n");
    expect((await lakeloop("run", project)).code).toBe(0);
    await write("changing/mat.sql", "-- lakeloop: materialize\nSELECT id, name FROM big\n");
    const changed = await lakeloop("run", project);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/cannot replace table default\.mat: its columns changed .*; drop the table \(lakeloop drop default\.mat\) or materialize under another name/);
    expect((await lakeloop("drop", "mat")).code).toBe(0);
    expect((await lakeloop("run", project)).code).toBe(0);
  });
});

describe("numeric flags", () => {
  it("refuses a value that is not a number, naming the flag", async () => {
    expect(await lakeloop("query", "SELECT 1 AS n", "--limit", "abc")).toMatchObject({ code: 2, stderr: "lakeloop query: --limit must be a positive integer, got 'abc'\n" });
    const fresh = path.join(dir, "flags-lake");
    for (const [args, message] of [
      [["sample", "--rows", "1e3"], "lakeloop sample: --rows must be a positive integer, got '1e3'"],
      [["sample", "--months", "300"], "lakeloop sample: --months must be at most 240, got '300'"],
      [["sample", "--seed", "x"], "lakeloop sample: --seed must be a positive integer, got 'x'"],
      [["rollback", "big", "--to", "latest"], "lakeloop rollback: --to must be a positive integer, got 'latest'"],
    ] as const) {
      expect(await lakeloop(...args, "--lake", args[0] === "sample" ? fresh : `file://${dir}/lake`)).toMatchObject({ code: 2, stderr: message + "\n" });
    }
    await expect(access(fresh)).rejects.toThrow(/ENOENT/); // a refused flag creates nothing
  });
});
