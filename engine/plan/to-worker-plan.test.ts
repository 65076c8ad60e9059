// The plan as the worker receives it, made from a DAG over a real local lake: node ids
// are fingerprints, each kind carries its spec (a scan its table's identity, snapshot,
// columns and canonical filter; SQL its query; TS an ES module), targets are ids, and a
// materialization names a branch only off main.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanNode, WorkerPlan } from "../../protocol/plan.js";
import { appendRows, dagOf, openTestLake, type TestLake } from "../dag/lake-for-tests.js";
import { fingerprintAll, type NodeParts } from "./fingerprint.js";
import { planRun } from "./plan-run.js";
import { materializeTarget, toWorkerPlan } from "./to-worker-plan.js";

let lake: TestLake;
let tableUuid: string;
let first: number;
let current: number;

beforeAll(async () => {
  lake = await openTestLake();
  const fields = [{ name: "id", type: "long" as const, required: true }, { name: "usd", type: "double" as const, required: false }];
  first = (await appendRows(lake, "events", fields, "SELECT 1 AS id, 1.5 AS usd")).currentSnapshot()!["snapshot-id"];
  const table = await appendRows(lake, "events", fields, "SELECT 2 AS id, 3.5 AS usd");
  current = table.currentSnapshot()!["snapshot-id"];
  tableUuid = table.metadata["table-uuid"];
});
afterAll(() => lake?.close());

const CELLS = {
  ts: `model("rich", { e: Model("events", { columns: ["usd", "id"], filter: "USD>=2" }) }, ({ e }) => e, { materialize: true, timeoutMs: 3000, runtime: { npm: { "left-pad": "1.3.0" } } })`,
  sql: "%%sql doubled --materialize=analytics.doubled\nSELECT id, usd * 2 AS usd2 FROM rich",
  // FIRST: the first snapshot's id, known once the lake is written.
  old: "%%sql old_ids\nSELECT id FROM events AS e AT (VERSION => FIRST)",
  plain: `model("plain", { r: Model("rich") }, ({ r }) => r)`,
};

/** The cells, with the first snapshot's id in place. */
const cells = () => ({ ...CELLS, old: CELLS.old.replace("FIRST", String(first)) });

async function workerPlan(targets: string[], branch?: string): Promise<{ plan: WorkerPlan; parts: Map<string, NodeParts> }> {
  const built = await dagOf(lake, cells());
  expect([...built.broken.values()].map((e) => e.message)).toEqual([]);
  const parts = fingerprintAll(built.graph);
  const plan = planRun(built.graph, parts, targets.map((t) => `model:${t}`), () => false, new Map());
  return { plan: toWorkerPlan(plan, parts, branch), parts };
}

function nodeNamed<K extends PlanNode["kind"]>(plan: WorkerPlan, name: string, kind: K): Extract<PlanNode, { kind: K }> {
  const node = plan.nodes.find((n) => n.name === name);
  expect(node?.kind).toBe(kind);
  return node as Extract<PlanNode, { kind: K }>;
}

describe("toWorkerPlan", () => {
  it("gives each node its fingerprint as id and its inputs by the names its code uses", async () => {
    const { plan, parts } = await workerPlan(["doubled", "old_ids"]);
    const scanKey = `scan:default.events|usd,id|"usd" >= 2`;
    expect(plan.nodes.map((n) => n.id)).toEqual([scanKey, "model:rich", "model:doubled", `scan:default.events@${first}|id|`, "model:old_ids"].map((k) => parts.get(k)!.fingerprint));
    expect(plan.targets).toEqual([parts.get("model:doubled")!.fingerprint, parts.get("model:old_ids")!.fingerprint]);
    expect(nodeNamed(plan, "rich", "ts").inputs).toEqual({ e: parts.get(scanKey)!.fingerprint });
    expect(nodeNamed(plan, "doubled", "sql").inputs).toEqual({ rich: parts.get("model:rich")!.fingerprint });
    expect(plan.nodes.every((n) => n.action === "run" && n.reason === "never-run")).toBe(true);
    expect(plan.planId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await workerPlan(["doubled"])).plan.planId).not.toBe(plan.planId);
    // Plain JSON: it crosses the process boundary as is.
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("pins a scan to its table's identity and snapshot, with its columns and the filter's canonical text", async () => {
    const { plan } = await workerPlan(["rich", "old_ids"]);
    const scans = plan.nodes.filter((n) => n.kind === "scan");
    expect(scans.map((n) => n.kind === "scan" && n.scan)).toEqual([
      { table: "default.events", tableUuid, snapshotId: current, columns: ["usd", "id"], filter: `"usd" >= 2` },
      { table: "default.events", tableUuid, snapshotId: first, columns: ["id"] },
    ]);
    expect(scans.every((n) => Object.keys(n.inputs).length === 0)).toBe(true);
  });

  it("hands SQL its query, rewritten to read a time-travel input by its name", async () => {
    const { plan } = await workerPlan(["doubled", "old_ids"]);
    expect(nodeNamed(plan, "doubled", "sql").sql).toEqual({ query: "SELECT id, usd * 2 AS usd2 FROM rich" });
    const old = nodeNamed(plan, "old_ids", "sql");
    expect(old.sql).toEqual({ query: `SELECT id FROM "events@${first}" AS "e"` });
    expect(Object.keys(old.inputs)).toEqual([`events@${first}`]);
  });

  it("hands a TS model an ES module whose default export is its function, with only the options it set", async () => {
    const { plan } = await workerPlan(["rich", "plain"]);
    const rich = nodeNamed(plan, "rich", "ts");
    expect(rich.ts).toEqual({ name: "rich", code: "export default (({ e }) => e);\n", runtime: { npm: { "left-pad": "1.3.0" } }, timeoutMs: 3000 });
    expect(nodeNamed(plan, "plain", "ts").ts).toEqual({ name: "plain", code: "export default (({ r }) => r);\n" });
    const module = await import(`data:text/javascript,${encodeURIComponent(rich.ts.code)}`) as { default: (inputs: { e: string }) => unknown };
    expect(module.default({ e: "the input" })).toBe("the input");
  });

  it("materializes under the model's name or the table given, naming the branch only off main", async () => {
    const onMain = (await workerPlan(["doubled", "plain"])).plan;
    expect(nodeNamed(onMain, "rich", "ts").materialize).toEqual({ table: "rich" });
    expect(nodeNamed(onMain, "doubled", "sql").materialize).toEqual({ table: "analytics.doubled" });
    expect(nodeNamed(onMain, "plain", "ts").materialize).toBeUndefined();
    expect("materialize" in nodeNamed(onMain, "plain", "ts")).toBe(false);
    const onBranch = (await workerPlan(["doubled"], "dev")).plan;
    expect(nodeNamed(onBranch, "rich", "ts").materialize).toEqual({ table: "rich", branch: "dev" });
    expect(nodeNamed(onBranch, "doubled", "sql").materialize).toEqual({ table: "analytics.doubled", branch: "dev" });
    expect(onBranch.nodes.filter((n) => n.kind === "scan").every((n) => n.materialize === undefined)).toBe(true);
  });

  it("carries the planner's reason and its detail", async () => {
    const before = await dagOf(lake, cells());
    const after = await dagOf(lake, { ...cells(), ts: CELLS.ts.replace("USD>=2", "usd >= 3") });
    const previous = fingerprintAll(before.graph);
    const parts = fingerprintAll(after.graph);
    const resident = new Set([...previous.values()].map((p) => p.fingerprint));
    const plan = toWorkerPlan(planRun(after.graph, parts, ["model:doubled"], (fp) => resident.has(fp), previous), parts);
    expect(plan.nodes.map((n) => [n.name, n.action, n.reason, n.detail])).toEqual([
      ["events[usd, id] where usd >= 3", "run", "never-run", undefined],
      ["rich", "run", "input-changed", "input events[usd, id] where usd >= 3 changed"],
      ["doubled", "run", "input-changed", "input rich changed"],
    ]);
    expect("detail" in plan.nodes[0]!).toBe(false);
  });
});

describe("materializeTarget", () => {
  it("is the model's name for true, the table given for a string, and nothing otherwise", () => {
    expect(materializeTarget(true, "m")).toBe("m");
    expect(materializeTarget("ns.t", "m")).toBe("ns.t");
    expect(materializeTarget(false, "m")).toBeUndefined();
    expect(materializeTarget(undefined, "m")).toBeUndefined();
  });
});
