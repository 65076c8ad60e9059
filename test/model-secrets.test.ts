// The process that runs models holds no secret in its environment block or its command
// line: a session hands its worker the S3 credentials (and its password) over a pipe.
// A model reading /proc/self/environ and /proc/self/cmdline finds neither the secret
// key nor the access key id, while its scan still reads the lake from S3 (s3rver, with
// a key pair of its own whose id it checks) — through the session API and through the CLI,
// whose own process holds the credentials in its environment as a user's shell gives them.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../engine/session.js";
import { writeSample } from "../lake/ingest/sample.js";
import { openStore } from "../lake/store/open-store.js";
import { startS3rver, type S3rverHandle } from "../testing/s3rver.js";
import { openCatalog } from "../lake/open-catalog.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ACCESS_KEY_ID = "AKIALAKELOOPTEST0001";
const SECRET = `secret-${randomBytes(12).toString("hex")}`;
let s3: S3rverHandle;
let dir: string;
let env: NodeJS.ProcessEnv;

// The model reads what any code in its process could: the environment block and command line.
const PEEK = `model("peek", { tx: Model("transactions", { columns: ["id"] }) }, async ({ tx }) => {
  const fs = await import("node:fs");
  const read = (file) => fs.readFileSync(file, "latin1").split("\\0").join("\\n");
  return [{ rows: tx.numRows, environ: read("/proc/self/environ"), cmdline: read("/proc/self/cmdline") }];
})`;

beforeAll(async () => {
  s3 = await startS3rver();
  // s3rver knows key pairs by access key id (it does not verify SigV4 signatures): this one is the test's own.
  const accounts = createRequire(import.meta.url)("s3rver/lib/models/account.js") as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
  accounts.DUMMY_ACCOUNT.createKeyPair(ACCESS_KEY_ID, SECRET);
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-model-secrets-"));
  env = {
    ...process.env, ...s3.env, AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET,
    LAKELOOP_LAKE: s3.uri("lake"), LAKELOOP_CACHE: path.join(dir, "cache"), LAKELOOP_WORKER: "",
  };
  const store = await openStore(env.LAKELOOP_LAKE!, env);
  await writeSample(await openCatalog(store), { rows: 2000, months: 1 });
  await store.close();
  // The credentials are checked: another key id reads nothing.
  const wrong = await openStore(env.LAKELOOP_LAKE!, { ...env, AWS_ACCESS_KEY_ID: "AKIAUNKNOWNKEY000000" });
  await expect(openCatalog(wrong).then((c) => c.listTables())).rejects.toThrow();
  await wrong.close();
}, 60_000);

afterAll(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

function expectNoSecret(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(ACCESS_KEY_ID);
}

describe("secrets and the process that runs models", () => {
  it("a model finds no credential in its process's environment or command line; S3 reads work", async () => {
    const session = await Session.open({ env });
    try {
      await session.applyCell("c1", PEEK);
      const out = (await session.result("peek")).toArray()[0] as { rows: number; environ: string; cmdline: string };
      expect(out.rows).toBe(2000);
      expect(out.environ).toMatch(/^LAKELOOP_LAKE=s3:\/\/lake\/lake$/m); // it did read its environment
      expectNoSecret(out.environ);
      expect(out.cmdline).toContain("--session-stdin");
      expectNoSecret(out.cmdline);
    } finally {
      await session.close();
    }
  });

  it("the same through `lakeloop run`, whose own process holds the credentials", async () => {
    const project = path.join(dir, "project");
    await mkdir(project, { recursive: true });
    // Materialized, so that what the model saw can be read back whole.
    await writeFile(path.join(project, "peek.ts"), `import { model, Model } from "lakeloop";\n${PEEK.replace(/\)$/, ", { materialize: true })")};\n`);
    const lakeloop = (...args: string[]) => promisify(execFile)(process.execPath, [path.join(root, "bin", "lakeloop.js"), ...args], { env, cwd: dir });
    await lakeloop("run", project);
    const [out] = JSON.parse((await lakeloop("query", "SELECT rows, environ, cmdline FROM peek", "--json")).stdout) as { rows: number; environ: string; cmdline: string }[];
    expect(out!.rows).toBe(2000);
    expect(out!.environ).toMatch(/^LAKELOOP_LAKE=s3:\/\/lake\/lake$/m);
    expectNoSecret(out!.environ);
    expectNoSecret(out!.cmdline);
  });
});
