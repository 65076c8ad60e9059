// The plan laid out for drawing: each node one layer past its deepest input, the nodes a
// reused node makes unnecessary shown idle, and the same layout as indented text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendRows, dagOf, openTestLake, type TestLake } from "../dag/lake-for-tests.js";
import { fingerprintAll } from "./fingerprint.js";
import { dagAsText, layoutDag } from "./layout-dag.js";
import { planRun } from "./plan-run.js";

let lake: TestLake;
beforeAll(async () => {
  lake = await openTestLake();
  await appendRows(lake, "events", [{ name: "id", type: "long", required: true }], "SELECT 1 AS id");
});
afterAll(() => lake?.close());

describe("layoutDag", () => {
  it("layers nodes past their deepest input and shows what a reused node makes unnecessary as idle", async () => {
    const built = await dagOf(lake, {
      base: `model("base", { e: Model("events") }, ({ e }) => e)`,
      mid: "%%sql mid\nSELECT id FROM base",
      // top reads base (layer 1) and mid (layer 2): it goes in layer 3.
      top: "%%sql top\nSELECT mid.id FROM mid JOIN base ON mid.id = base.id",
    });
    const parts = fingerprintAll(built.graph);
    const resident = parts.get("model:mid")!.fingerprint;
    const plan = planRun(built.graph, parts, ["model:top"], (fp) => fp === resident, new Map());
    const layout = layoutDag(built.graph, plan);
    expect(layout.nodes.map((n) => [n.name, n.kind, n.action, n.reason, n.layer, n.row])).toEqual([
      ["events[id]", "scan", "run", "never-run", 0, 0],
      ["base", "ts", "run", "never-run", 1, 0],
      ["mid", "sql", "reuse", "resident", 2, 0],
      ["top", "sql", "run", "never-run", 3, 0],
    ]);
    expect(layout.layers).toBe(4);
    expect(layout.edges).toEqual([
      { from: "scan:default.events|id|", to: "model:base" },
      { from: "model:base", to: "model:mid" },
      { from: "model:mid", to: "model:top" },
      { from: "model:base", to: "model:top" },
    ]);
    expect(dagAsText(layout)).toBe([
      "events[id] [scan, run: never-run]",
      "  base [ts, run: never-run] <- events[id]",
      "    mid [sql, reuse: resident] <- base",
      "      top [sql, run: never-run] <- mid, base",
    ].join("\n"));

    // With mid reused and only mid wanted, base and the scan are not needed at all.
    const onlyMid = layoutDag(built.graph, planRun(built.graph, parts, ["model:mid"], (fp) => fp === resident, new Map()));
    expect(onlyMid.nodes.map((n) => `${n.name} ${n.action} ${n.reason} @${n.layer}`)).toEqual([
      "events[id] idle not needed @0",
      "base idle not needed @1",
      "mid reuse resident @2",
    ]);
  });

  it("puts side by side nodes of one layer in rows", async () => {
    const built = await dagOf(lake, {
      a: "%%sql a\nSELECT id FROM events",
      b: "%%sql b\nSELECT id + 1 AS id FROM events",
      both: "%%sql both\nSELECT * FROM a UNION ALL SELECT * FROM b",
    });
    const parts = fingerprintAll(built.graph);
    const layout = layoutDag(built.graph, planRun(built.graph, parts, ["model:both"], () => false, new Map()));
    expect(layout.nodes.map((n) => [n.name, n.layer, n.row])).toEqual([["events[id]", 0, 0], ["a", 1, 0], ["b", 1, 1], ["both", 2, 0]]);
  });
});
