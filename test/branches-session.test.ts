// Branches in a session with a real worker: reads see the session's branch, models
// materialize to it, main is untouched; an output the worker holds already is written
// to a branch whose table does not hold it; a tag is read-only. The REPL's `.branch`
// and the kernel's `%branch` switch a session.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../lake/iceberg/catalog.js";
import { createRef } from "../lake/iceberg/branches/branch-ops.js";
import { LakeView } from "../lake/iceberg/branches/lake-view.js";
import { writeSample } from "../lake/ingest/sample.js";
import { FileStore } from "../lake/store/file-store.js";
import { Session } from "../engine/session.js";
import { evaluateCell } from "../repl/evaluate.js";
import { Executor } from "../kernel/executor.js";
import type { Message } from "../kernel/wire.js";
import { openCatalog } from "../lake/open-catalog.js";
import { runSessionCommand } from "../engine/commands/session-commands.js";

let dir: string;
let catalog: Catalog;
let env: NodeJS.ProcessEnv;
let lake: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-branch-session-"));
  const store = await FileStore.open(path.join(dir, "lake"));
  lake = store.root;
  catalog = await openCatalog(store);
  await writeSample(catalog, { rows: 4000, months: 2 });
  env = { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache"), LAKELOOP_LAKE: lake };
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

const byCountry = (where = "") => `%%sql by_country --materialize\nSELECT country, count(*) AS n FROM transactions ${where} GROUP BY country ORDER BY country`;

/** The table on a ref: its snapshot id, rows, and the output fingerprint its snapshot records. */
async function tableOn(ref: string, name: string) {
  const table = await (await LakeView.open(catalog, ref)).loadTable(name);
  const snapshot = table.currentSnapshot()!;
  return { id: snapshot["snapshot-id"], rows: Number(snapshot.summary["total-records"]), output: snapshot.summary["lakeloop.output"] };
}

describe("a session on a branch", () => {
  it("reads and materializes on its branch, leaves main alone, and writes a reused output to a branch that lacks it", async () => {
    const session = await Session.open({ lake, env });
    try {
      await session.applyCell("c1", byCountry());
      expect((await session.run()).nodes.find((n) => n.name === "by_country")!.action).toBe("ran");
      const onMain = await tableOn("main", "by_country");
      await createRef(catalog, "dev", "branch");
      await createRef(catalog, "dev2", "branch");
      await createRef(catalog, "v1", "tag");

      expect(await evaluateCell(session, "r1", ".branch dev", () => {})).toEqual({ kind: "text", text: "now on branch dev: reads see it, materialized models are written to it" });
      expect(session.branch).toBe("dev");
      await session.applyCell("c1", byCountry("WHERE usd > 500"));
      await session.applyCell("c2", "%%sql total\nSELECT sum(n) AS s FROM by_country");
      const report = await session.run();
      expect(report.nodes.filter((n) => n.action === "failed")).toEqual([]);
      const onDev = await tableOn("dev", "by_country");
      expect(onDev.id).not.toBe(onMain.id);
      expect(onDev.rows).toBe(onMain.rows); // one row a country either way
      expect(await tableOn("main", "by_country")).toEqual(onMain);
      // A model reading the table on dev reads dev's snapshot.
      const devTotal = Number((await session.result("total")).getChild("s")!.get(0));
      expect(devTotal).toBeLessThan(4000);
      expect(devTotal).toBeGreaterThan(0);

      // dev2 started from main: the worker holds the new output already, so it is
      // reused, and written to dev2's table, which held main's.
      await session.useBranch("dev2");
      const reused = await session.run(["by_country"]);
      expect(reused.nodes.find((n) => n.name === "by_country")!.action).toBe("reused");
      const onDev2 = await tableOn("dev2", "by_country");
      expect(onDev2.output).toBe(onDev.output);
      expect(onDev2.id).not.toBe(onMain.id);
      expect(Number((await session.result("total")).getChild("s")!.get(0))).toBe(devTotal);
      // Run again: the table holds it now, nothing is written.
      await session.run(["by_country"]);
      expect(await tableOn("dev2", "by_country")).toEqual(onDev2);

      // On main the session's models (as the cells now define them) run and materialize too.
      await session.useBranch("main");
      await session.run();
      expect((await tableOn("main", "by_country")).output).toBe(onDev.output);
      await session.useBranch("v1");
      const onTag = await session.run(["by_country"]);
      expect(onTag.nodes.find((n) => n.name === "by_country")).toMatchObject({ action: "failed", error: expect.stringContaining("'v1' is a tag, and tags never change") });
      expect(await tableOn("v1", "by_country")).toEqual(onMain);
      await expect(session.useBranch("nope")).rejects.toThrow("the lake has no branch or tag 'nope'");
      expect(session.branch).toBe("v1");
    } finally {
      await session.close();
    }
  });

  it("a table empty on the branch reads as empty there, whatever main has since", async () => {
    const later = await catalog.createTable("later", [{ name: "id", type: "long", required: false }]);
    await createRef(catalog, "before_later", "branch");
    const { Duck } = await import("../columnar/duckdb.js");
    const { writeDataFiles } = await import("../lake/ingest/write-data-files.js");
    const duck = await Duck.open();
    try {
      await later.commit({ operation: "append", files: await writeDataFiles(later, duck, "SELECT range AS id FROM range(7)") });
    } finally {
      duck.close();
    }
    const session = await Session.open({ lake, env, branch: "before_later" });
    try {
      await session.applyCell("c1", "%%sql n_later\nSELECT count(*) AS n FROM later");
      expect(Number((await session.result("n_later")).getChild("n")!.get(0))).toBe(0);
      await session.useBranch("main");
      expect(Number((await session.result("n_later")).getChild("n")!.get(0))).toBe(7);
    } finally {
      await session.close();
    }
  });

  it("the kernel's %branch lists the refs and switches the session", async () => {
    const published: { type: string; content: { text?: string; evalue?: string } }[] = [];
    const executor = await Executor.create({ env, publish: async (type, content) => { published.push({ type, content: content as (typeof published)[number]["content"] }); }, input: async () => "" });
    const parent = { header: { msg_id: "m", session: "s", username: "u", date: "", msg_type: "execute_request", version: "5.3" } } as Message;
    const stdout = () => published.filter((m) => m.type === "stream").map((m) => m.content.text).join("");
    try {
      expect((await executor.execute("%branch", parent, { silent: false, executionCount: 1, allowStdin: false })).error).toBeUndefined();
      expect(stdout()).toMatch(/^\* main\n  before_later \(branch from main, .*; no table changed\)\n  dev \(branch from main, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; changed: by_country\)\n  dev2 \(branch from main, .*; changed: by_country\)\n  v1 \(tag from main, .* UTC\)\n$/);
      published.length = 0;
      expect((await executor.execute("%branch dev", parent, { silent: false, executionCount: 2, allowStdin: false })).error).toBeUndefined();
      expect(stdout()).toBe("now on branch dev: reads see it, materialized models are written to it\n");
      expect(executor.session.branch).toBe("dev");
      const help = await executor.execute("%help", parent, { silent: false, executionCount: 3, allowStdin: false });
      expect(help.error).toBeUndefined();
      expect(stdout()).toMatch(/^  %branch \[NAME \| create NAME \[--from REF\] \| delete NAME\]\n +the lake branch reads see and models materialize to: list, switch, make/m);
    } finally {
      await executor.close();
    }
  });

  it("%merge holds back a table whose check failed, under any branch name, and publishes it once the check passes", async () => {
    const session = await Session.open({ lake, env, redefine: "replace" });
    const command = (line: string) => runSessionCommand(session, line, "%");
    const model = (usd: string) => `model("gated", { tx: Model("transactions", { columns: ["id", "usd"] }) }, ({ tx }) => {
  const rows = [];
  for (let i = 0; i < 50; i++) rows.push({ id: Number(tx.getChild("id").get(i)), usd: ${usd} });
  return rows;
}, { materialize: true });`;
    try {
      await command("branch create gate");
      await command("branch gate");
      await session.applyCell("check", `expect.range("gated", "usd", { min: 0 })`);
      // Written once, before anything is wrong: gate's table passes.
      expect(blockingOf(await session.runCell("m", model("tx.getChild(\"usd\").get(i)")))).toEqual([]);
      // The bad edit: the check fails and stops the write.
      expect(blockingOf(await session.runCell("m", model("-1")))).toEqual(["gated_usd_range"]);
      await expect(command("merge gate")).rejects.toThrow(/^cannot merge gate: expectation gated_usd_range on gated failed in this session's latest run of them; nothing was merged/);
      // A copy of the branch holds the same table: refused too.
      await command("branch create gate_copy --from gate");
      await expect(command("merge gate_copy")).rejects.toThrow(/^cannot merge gate_copy: expectation gated_usd_range/);
      // A fresh branch from main publishes nothing: nothing to refuse.
      await command("branch create fresh");
      expect(await command("merge fresh")).toEqual({ kind: "text", text: "nothing to merge: fresh changed no table that main does not have" });
      // The fix passes: the branch is published.
      expect(blockingOf(await session.runCell("m", model("Math.abs(tx.getChild(\"usd\").get(i))")))).toEqual([]);
      const merged = await command("merge gate");
      expect(merged.kind === "text" && merged.text).toMatch(/^merged gate into main: gated \(snapshot \d+\)$/);
      // The command's own words are refused as names, main is never deleted, a bad --into is a usage error.
      await expect(command("branch create list")).rejects.toThrow(/cannot be named list/);
      await expect(command("branch delete main")).rejects.toThrow("main cannot be deleted");
      await expect(command("merge gate --into --into")).rejects.toThrow(/^merge BRANCH \[--into main\]: one branch/);
    } finally {
      await session.close();
    }
  }, 120_000);
});

function blockingOf(result: { report?: { expectations: { name: string; blocking: boolean; status: string }[] } }): string[] {
  return (result.report?.expectations ?? []).filter((e) => e.blocking && e.status !== "passed").map((e) => e.name);
}
