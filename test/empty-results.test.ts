// 0-row outputs — a scan whose filter matches nothing, a SQL query over it, a
// TypeScript model passing it on — preview and fetch as empty tables with their schema
// through every front end's path: the CLI (`run`, `query`), the session (`result`) and
// the kernel's executor. apache-arrow cannot slice a table without record batches,
// which is what such outputs are; the worker used to crash on them.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../engine/session.js";
import { Executor } from "../kernel/executor.js";
import type { Message } from "../kernel/wire.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lakeloop.js");
let dir: string;
let env: NodeJS.ProcessEnv;

const lakeloop = (...args: string[]) => run(process.execPath, [bin, ...args], { env, cwd: dir, maxBuffer: 16 * 1024 * 1024 });

// No transaction has a negative amount: every model below is empty.
const NOTHING = "usd < -1000000";
const TS_MODEL = `model("none", { tx: Model("transactions", { columns: ["id", "country"], filter: "${NOTHING}" }) }, ({ tx }) => tx)`;
const SQL_MODEL = "%%sql none_by_country\nSELECT country, count(*) AS n FROM none GROUP BY country";

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-empty-"));
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  await lakeloop("sample", "--rows", "5000", "--months", "2", "--quiet");
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("0-row outputs", () => {
  it("`lakeloop query` prints an empty table, CSV header or JSON array", async () => {
    const sql = `SELECT id, usd FROM transactions WHERE ${NOTHING}`;
    expect((await lakeloop("query", sql)).stdout).toMatch(/^id\s+usd\n[─ ]+\n[\s\S]*\(0 rows\)\n$/);
    expect((await lakeloop("query", sql, "--csv")).stdout).toBe("id,usd\n");
    expect(JSON.parse((await lakeloop("query", sql, "--json")).stdout)).toEqual([]);
  });

  it("`lakeloop run` previews empty TypeScript and SQL models with their columns", async () => {
    const project = path.join(dir, "project");
    await mkdir(project, { recursive: true });
    await writeFile(path.join(project, "none.ts"), `import { model, Model } from "lakeloop";\n${TS_MODEL};\n`);
    await writeFile(path.join(project, "none_by_country.sql"), "SELECT country, count(*) AS n FROM none GROUP BY country\n");
    const { stdout } = await lakeloop("run", project, "--target", "none", "--target", "none_by_country");
    expect(stdout).toMatch(/none \(0 rows\)\nid\s+country\n/);
    expect(stdout).toMatch(/none_by_country \(0 rows\)\ncountry\s+n\n/);
  });

  it("Session.result fetches empty tables with their schema", async () => {
    const session = await Session.open({ env });
    try {
      await session.applyCell("c1", TS_MODEL);
      await session.applyCell("c2", SQL_MODEL);
      const none = await session.result("none");
      expect(none.numRows).toBe(0);
      expect(none.schema.fields.map((f) => f.name)).toEqual(["id", "country"]);
      const grouped = await session.result("none_by_country");
      expect(grouped.numRows).toBe(0);
      expect(grouped.schema.fields.map((f) => f.name)).toEqual(["country", "n"]);
    } finally {
      await session.close();
    }
  });

  it("the kernel shows empty results and returns them from result()", async () => {
    const published: { type: string; content: { data?: Record<string, string>; evalue?: string } }[] = [];
    const executor = await Executor.create({
      env, publish: async (type, content) => { published.push({ type, content: content as (typeof published)[number]["content"] }); }, input: async () => "",
    });
    const parent = { header: { msg_id: "m", session: "s", username: "u", date: "", msg_type: "execute_request", version: "5.3" } } as Message;
    try {
      const ran = await executor.execute(TS_MODEL, parent, { silent: false, executionCount: 1, allowStdin: false });
      expect(ran.error).toBeUndefined();
      const shown = published.filter((m) => m.type === "display_data" && m.content.data?.["text/html"]?.includes("lakeloop-table"));
      expect(shown.map((m) => m.content.data!["text/plain"])).toEqual([expect.stringMatching(/^none \(0 rows × 2 columns\)\n\s*id\s+country/)]);
      const value = await executor.execute('await result("none")', parent, { silent: false, executionCount: 2, allowStdin: false });
      expect(value.error).toBeUndefined();
      expect(value.plainResult).toMatch(/^\(0 rows × 2 columns\)\n\s*id\s+country/);
      // %profile: where the last run's time went.
      published.length = 0;
      await executor.execute("%profile", parent, { silent: false, executionCount: 3, allowStdin: false });
      const text = published.filter((m) => m.type === "stream").map((m) => (m.content as { text?: string }).text ?? "").join("");
      expect(text).toMatch(/^node +ms +plan/m);
      expect(text).toMatch(/^none +[\d.]+/m);
      expect(text).toMatch(/planning here [\d.]+ ms; worker round trip [\d.]+ ms/);
    } finally {
      await executor.close();
    }
  });
});
