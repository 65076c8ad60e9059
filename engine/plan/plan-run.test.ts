// Planning a run from fingerprints and residency alone (no worker: residency is a
// predicate here): each needed node is run or reused, with the reason and its detail,
// and nothing upstream of a reused node is planned.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph } from "../dag/graph.js";
import { appendRows, dagOf, openTestLake, type TestLake } from "../dag/lake-for-tests.js";
import { fingerprintAll, type NodeParts } from "./fingerprint.js";
import { planRun, type Plan } from "./plan-run.js";

const FIELDS = [
  { name: "id", type: "long" as const, required: true },
  { name: "usd", type: "double" as const, required: false },
];
const ROWS = "SELECT i AS id, i * 2.0 AS usd FROM range(4) r(i)";

let lake: TestLake;
beforeAll(async () => {
  lake = await openTestLake();
  await appendRows(lake, "events", FIELDS, ROWS);
  await appendRows(lake, "people", FIELDS, ROWS);
});
afterAll(() => lake?.close());

/** events -> base -> mid -> top; people -> side. */
const CELLS = {
  base: `model("base", { e: Model("events", { filter: "usd > 1" }) }, ({ e }) => e)`,
  mid: "%%sql mid\nSELECT id, usd * 2 AS twice FROM base",
  top: `model("top", { m: Model("mid") }, ({ m }) => m, { timeoutMs: 5000 })`,
  side: "%%sql side\nSELECT id FROM people",
};
const EVENTS_SCAN = `scan:default.events|id,usd|"usd" > 1`;

interface Planned {
  graph: Graph;
  parts: Map<string, NodeParts>;
}

async function planned(cells: Record<string, string> = CELLS): Promise<Planned> {
  const built = await dagOf(lake, cells);
  expect([...built.broken.values()].map((e) => e.message)).toEqual([]);
  return { graph: built.graph, parts: fingerprintAll(built.graph) };
}

/** Residency as the worker would answer it: the fingerprints of the given DAG's nodes (all when no keys are named). */
function residentOf(p: Planned, keys: string[] = [...p.parts.keys()]): (fingerprint: string) => boolean {
  const fingerprints = new Set(keys.map((k) => p.parts.get(k)!.fingerprint));
  return (fp) => fingerprints.has(fp);
}

/** Each planned node as "key action reason[: detail]". */
function lines(plan: Plan): string[] {
  return plan.nodes.map((p) => `${p.key} ${p.action} ${p.reason}${p.detail ? `: ${p.detail}` : ""}`);
}

const nothing = () => false;

describe("planRun", () => {
  it("runs what never ran, parents first, and only what the targets need", async () => {
    const p = await planned();
    const plan = planRun(p.graph, p.parts, ["model:top"], nothing, new Map());
    expect(lines(plan)).toEqual([
      `${EVENTS_SCAN} run never-run`,
      "model:base run never-run",
      "model:mid run never-run",
      "model:top run never-run",
    ]);
    expect(plan.targets).toEqual(["model:top"]);
    expect(plan.nodes.map((n) => n.parts)).toEqual(plan.nodes.map((n) => p.parts.get(n.key)));
    // A scan read by two targets is planned once.
    const both = planRun(p.graph, p.parts, ["model:mid", "model:side"], nothing, new Map());
    expect(both.nodes.map((n) => n.key)).toEqual([EVENTS_SCAN, "model:base", "model:mid", "scan:default.people|id|", "model:side"]);
  });

  it("reuses a resident target and plans nothing upstream of it", async () => {
    const p = await planned();
    expect(lines(planRun(p.graph, p.parts, ["model:top"], residentOf(p), p.parts))).toEqual(["model:top reuse resident"]);
    // Only mid resident: top runs again (evicted), mid is reused, and base and the scan are not needed.
    expect(lines(planRun(p.graph, p.parts, ["model:top"], residentOf(p, ["model:mid"]), p.parts))).toEqual([
      "model:mid reuse resident",
      "model:top run evicted",
    ]);
  });

  it("runs again what was evicted from the worker, with the same fingerprint", async () => {
    const p = await planned();
    const plan = planRun(p.graph, p.parts, ["model:mid"], nothing, p.parts);
    expect(lines(plan)).toEqual([`${EVENTS_SCAN} run evicted`, "model:base run evicted", "model:mid run evicted"]);
  });

  it("says the code changed, then names the changed input of each node downstream", async () => {
    const before = await planned();
    const after = await planned({ ...CELLS, mid: "%%sql mid\nSELECT id, usd * 3 AS twice FROM base" });
    const plan = planRun(after.graph, after.parts, ["model:top"], residentOf(before), before.parts);
    expect(lines(plan)).toEqual([
      "model:base reuse resident",
      "model:mid run code-changed",
      "model:top run input-changed: input mid changed",
    ]);
  });

  it("says a TS model's options changed", async () => {
    const before = await planned();
    const after = await planned({ ...CELLS, top: CELLS.top.replace("5000", "6000") });
    expect(lines(planRun(after.graph, after.parts, ["model:top"], residentOf(before), before.parts))).toEqual([
      "model:mid reuse resident",
      "model:top run options-changed",
    ]);
  });

  it("runs a scan of a new filter as never run, and names it as the changed input of its reader", async () => {
    const before = await planned();
    const after = await planned({ ...CELLS, base: CELLS.base.replace("usd > 1", "usd > 2") });
    expect(lines(planRun(after.graph, after.parts, ["model:base"], residentOf(before), before.parts))).toEqual([
      `scan:default.events|id,usd|"usd" > 2 run never-run`,
      "model:base run input-changed: input events[id, usd] where usd > 2 changed",
    ]);
  });

  it("says a scan reads a new snapshot, naming both, and every reader downstream reads a changed input", async () => {
    const before = await planned();
    const old = before.parts.get(EVENTS_SCAN)!.snapshotId;
    const table = await appendRows(lake, "events", FIELDS, ROWS);
    const now = table.currentSnapshot()!["snapshot-id"];
    const after = await planned();
    const plan = planRun(after.graph, after.parts, ["model:top", "model:side"], residentOf(before), before.parts);
    expect(lines(plan)).toEqual([
      `${EVENTS_SCAN} run new-snapshot: snapshot ${old} -> ${now}`,
      `model:base run input-changed: input events[id, usd] where usd > 1 changed`,
      "model:mid run input-changed: input base changed",
      "model:top run input-changed: input mid changed",
      "model:side reuse resident",
    ]);
  });
});
