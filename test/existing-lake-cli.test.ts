// "Your existing lake" through the real command line (issue 17): a lake served by
// `lakeloop catalog serve` (a spawned process on 127.0.0.1) is listed, described and
// queried by another lakeloop with --catalog; a table another engine wrote is
// registered into a local lake from S3 and from a folder, read, and dropped from the
// lake without touching its files.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, putFixtureTable } from "../testing/iceberg-fixtures.js";
import { writeSample } from "../lake/ingest/sample.js";
import { openStore } from "../lake/store/open-store.js";
import { startS3rver, type S3rverHandle } from "../testing/s3rver.js";
import { openCatalog } from "../lake/open-catalog.js";

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lakeloop.js");

let s3: S3rverHandle;
let dir: string;
let env: NodeJS.ProcessEnv;
let serve: ChildProcess;
let catalogUrl: string;
const servedLake = () => s3.uri("warehouse");

interface Outcome { code: number; stdout: string; stderr: string }
const lakeloop = (...args: string[]): Promise<Outcome> =>
  exec(process.execPath, [bin, ...args], { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

beforeAll(async () => {
  s3 = await startS3rver({ bucket: "lake" });
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-existing-"));
  env = {
    ...process.env, ...s3.env, LAKELOOP_CACHE: path.join(dir, "cache"), LAKELOOP_LAKE: undefined, LAKELOOP_CATALOG: undefined,
    // The AWS SDK warns on stderr that its 2027 releases need Node 22: not lakeloop's output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const store = await openStore(servedLake(), s3.env);
  await writeSample(await openCatalog(store, s3.env), { rows: 2000, months: 2 });
  await putFixtureTable(store, "icebird/athena/example", "athena/example");
  await store.close();

  serve = spawn(process.execPath, [bin, "--lake", servedLake(), "catalog", "serve", "--listen", "127.0.0.1:0"], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  catalogUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    serve.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    serve.once("exit", (code) => reject(new Error(`catalog serve exited with ${code}: ${out}`)));
  });
});
afterAll(async () => {
  if (serve && serve.exitCode === null) serve.kill("SIGKILL");
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("--catalog: a lake served as an Iceberg REST catalog", () => {
  it("lists and describes its tables", async () => {
    const tables = await lakeloop("--catalog", catalogUrl, "tables", "--json");
    expect(tables.stderr).toBe("");
    expect(JSON.parse(tables.stdout).map((t: { name: string; rows: number }) => [t.name, t.rows])).toEqual([["athena.example", 2], ["default.transactions", 2000]]);
    const described = await lakeloop("--catalog", catalogUrl, "describe", "athena.example");
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^athena\.example {2}\(Iceberg v2\) {2}s3:\/\/hyperparam-iceberg\/athena\/example\n2 rows in 1 files/);
  });

  it("queries them through the worker, with the same answer as the lake folder", async () => {
    const sql = "SELECT count(*) AS n, round(sum(usd), 2) AS total FROM transactions";
    const viaCatalog = await lakeloop("--catalog", catalogUrl, "query", sql, "--json");
    expect(viaCatalog.stderr).toBe("");
    const direct = await lakeloop("--lake", servedLake(), "query", sql, "--json");
    expect(JSON.parse(viaCatalog.stdout)).toEqual(JSON.parse(direct.stdout));
    expect(JSON.parse(viaCatalog.stdout)[0].n).toBe(2000);
  });

  it("stops on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => serve.once("exit", resolve));
    serve.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

describe("register: tables that live outside the lake", () => {
  it("registers from S3 (s3a://) and from a folder, reads them, and drops only the pointer", async () => {
    const lake = `file://${path.join(dir, "local-lake")}`;
    const outside = path.join(dir, "exported", "renamed");
    await cp(path.join(FIXTURES, "icebird/spark/rename_column"), outside, { recursive: true });

    const fromS3 = await lakeloop("--lake", lake, "register", "ext.athena",
      "s3a://lake/warehouse/athena/example/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json");
    expect(fromS3).toMatchObject({ code: 0, stderr: "" });
    expect(fromS3.stdout).toBe("registered ext.athena → s3a://lake/warehouse/athena/example/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json (Iceberg v2, 2 columns, 2 rows; read-only)\n");
    const fromFolder = await lakeloop("--lake", lake, "register", "renamed", outside);
    expect(fromFolder.stdout).toMatch(/^registered default\.renamed → .*exported\/renamed \(Iceberg v2, 5 columns, 4 rows; read-only\)\n$/);

    const tables = JSON.parse((await lakeloop("--lake", lake, "tables", "--json")).stdout);
    expect(tables.map((t: { name: string; rows: number; files: number }) => [t.name, t.rows, t.files])).toEqual([["default.renamed", 4, 3], ["ext.athena", 2, 1]]);
    expect((await lakeloop("--lake", lake, "describe", "renamed")).stdout).toMatch(/partitioned by bucket\[4\]\(id\), event_date/);

    const taken = await lakeloop("--lake", lake, "register", "renamed", outside);
    expect(taken).toMatchObject({ code: 1, stderr: "lakeloop register: table 'default.renamed' already exists\n" });
    const nowhere = await lakeloop("--lake", lake, "register", "x", path.join(dir, "exported"));
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^lakeloop register: no Iceberg table at '.*exported': found no metadata\/vN.metadata.json/);

    expect((await lakeloop("--lake", lake, "drop", "renamed")).code).toBe(0);
    expect(JSON.parse((await lakeloop("--lake", lake, "tables", "--json")).stdout).map((t: { name: string }) => t.name)).toEqual(["ext.athena"]);
    expect((await stat(path.join(outside, "metadata", "v3.metadata.json"))).isFile()).toBe(true);
    expect((await stat(path.join(outside, "data", "id_bucket=0", "date=2022-01-01", "00000-20-b65939d1-96e1-4d30-a733-aa5264a479aa-00001.parquet"))).isFile()).toBe(true);
  });
});
