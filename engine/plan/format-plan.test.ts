// The plan's three printed views over a DAG of a real local lake: the logical plan
// (models and what each reads), the physical plan (run or reuse, why, environment,
// fingerprint) and the worker view (resident, scan with its cache diff, compute).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendRows, dagOf, openTestLake, type TestLake } from "../dag/lake-for-tests.js";
import { fingerprintAll } from "./fingerprint.js";
import { formatLogicalPlan, formatPhysicalPlan, formatWorkerPlan } from "./format-plan.js";
import { planRun } from "./plan-run.js";

let lake: TestLake;
beforeAll(async () => {
  lake = await openTestLake();
  await appendRows(lake, "events", [{ name: "id", type: "long", required: true }, { name: "usd", type: "double", required: false }], "SELECT 1 AS id, 2.5 AS usd");
});
afterAll(() => lake?.close());

async function plannedViews() {
  const built = await dagOf(lake, {
    rich: `model("rich", { e: Model("events", { filter: "usd > 2" }) }, ({ e }) => e, { runtime: { npm: { "left-pad": "1.3.0", "is-odd": "3.0.1" } } })`,
    total: "%%sql total\nSELECT sum(usd) AS usd FROM rich",
    all_ids: "%%sql all_ids\nSELECT id FROM events",
  });
  const parts = fingerprintAll(built.graph);
  const fp = (key: string) => parts.get(key)!.fingerprint;
  const resident = fp("model:all_ids");
  const plan = planRun(built.graph, parts, ["model:total", "model:all_ids"], (f) => f === resident, new Map([["model:all_ids", parts.get("model:all_ids")!]]));
  return { graph: built.graph, plan, fp };
}

describe("the plan's views", () => {
  it("prints the logical plan: each model and what it reads", async () => {
    const { graph, plan } = await plannedViews();
    expect(formatLogicalPlan(graph, plan)).toBe([
      "logical plan:",
      "  rich: e <- table events[id, usd] where usd > 2",
      "  total: rich <- rich",
      // A reused model's inputs are not planned, but the logical plan still says what it reads.
      "  all_ids: events <- table events[id]",
    ].join("\n"));
  });

  it("prints the physical plan: run or reuse and why, a TS model's packages, each fingerprint", async () => {
    const { plan, fp } = await plannedViews();
    expect(formatPhysicalPlan(plan)).toBe([
      "physical plan:",
      `  RUN   scan events[id, usd] where usd > 2  (never run)  #${fp(`scan:default.events|id,usd|"usd" > 2`)}`,
      `  RUN   ts   rich env left-pad@1.3.0,is-odd@3.0.1  (never run)  #${fp("model:rich")}`,
      `  RUN   sql  total  (never run)  #${fp("model:total")}`,
      `  reuse sql  all_ids  (resident)  #${fp("model:all_ids")}`,
    ].join("\n"));
  });

  it("prints the worker view: each scan with its cache diff, or that it is unknown", async () => {
    const { plan, fp } = await plannedViews();
    const diffs = new Map([[fp(`scan:default.events|id,usd|"usd" > 2`), "2 fragments cached, 1 to fetch"]]);
    expect(formatWorkerPlan(plan, diffs)).toBe([
      "worker view:",
      "  scan       events[id, usd] where usd > 2: 2 fragments cached, 1 to fetch",
      "  compute    rich",
      "  compute    total",
      "  resident   all_ids",
    ].join("\n"));
    expect(formatWorkerPlan(plan, new Map())).toContain("  scan       events[id, usd] where usd > 2: cache state unknown");
  });
});
