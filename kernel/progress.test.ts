import { describe, expect, it } from "vitest";
import type { NodeEvent } from "../protocol/messages.js";
import { formatElapsed, RunProgress } from "./progress.js";

const read = { memoryBytes: 0, diskBytes: 0, objectStoreBytes: 2_500_000, memoryFragments: 0, diskFragments: 0, fetchedFragments: 3 };

describe("a run's progress in a notebook", () => {
  it("shows a running node's elapsed time, and its scan progress", () => {
    let now = 1_000_000;
    const progress = new RunProgress(() => now);
    progress.apply({ type: "node-started", node: "a", name: "slow", at: 0 });
    expect(progress.bundle()["text/plain"]).toBe("… slow: running");
    now += 12_400;
    expect(progress.running).toBe(true);
    expect(progress.bundle()["text/plain"]).toBe("… slow: running for 12 s");
    progress.apply({ type: "node-progress", node: "a", name: "slow", done: 7, total: 1500, unit: "fragments" });
    expect(progress.bundle()["text/plain"]).toBe("… slow: 0% (7 of 1,500 fragments), 12 s");
    now += 2 * 60_000;
    expect(progress.bundle()["text/plain"]).toBe("… slow: 0% (7 of 1,500 fragments), 2 min 12 s");
  });

  it("keeps every figure whole: pieces never wrap inside, the lines wrap between them", () => {
    const progress = new RunProgress();
    progress.apply({ type: "node-finished", node: "s", name: "transactions[id, usd] where usd > 1000000", rows: 1_000_000, ms: 1234.5, read });
    const html = String(progress.bundle()["text/html"]);
    expect(html).not.toContain("<pre");
    expect(html).toContain(`<span style="white-space:nowrap">1,000,000 rows in 1,235 ms</span>, <span style="white-space:nowrap">2.5 MB fetched</span>`);
    expect(progress.bundle()["text/plain"]).toBe("✓ transactions[id, usd] where usd > 1000000: 1,000,000 rows in 1,235 ms, 2.5 MB fetched, 0 B from cache");
    expect(progress.running).toBe(false);
  });

  it("says cancelled for a cancelled node and a failure's message, never a stack", () => {
    const progress = new RunProgress();
    const stack = "Error: node slow was cancelled\n    at EventTarget.onAbort (file:///x/dist/worker/share-node-runs.js:44:38)";
    const events: NodeEvent[] = [
      { type: "node-failed", node: "a", name: "slow", ms: 5, error: { code: "NODE_CANCELLED", message: "node slow was cancelled", stack } },
      { type: "node-failed", node: "b", name: "broken", ms: 5, error: { code: "MODEL_THREW", message: 'model "broken" threw: no rows', stack: "Error: no rows\n    at Module.default (model:3:11)" } },
      { type: "node-reused", node: "c", name: "days", rows: 1 },
    ];
    for (const e of events) progress.apply(e);
    expect(progress.bundle()["text/plain"]).toBe('■ slow: cancelled\n✗ broken: model "broken" threw: no rows\n= days: reused (1 row)');
    expect(String(progress.bundle()["text/html"])).not.toMatch(/ at |model:3/);
    expect(progress.wasCancelled("slow")).toBe(true);
    expect(progress.wasCancelled("broken")).toBe(false);
  });

  it("writes elapsed time in seconds, minutes, hours", () => {
    expect([999, 59_999, 61_000, 3_600_000 + 180_000].map(formatElapsed)).toEqual(["0 s", "59 s", "1 min 01 s", "1 h 03 min"]);
  });
});
