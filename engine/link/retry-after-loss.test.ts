import { describe, expect, it } from "vitest";
import { retryAfterWorkerLoss } from "./retry-after-loss.js";
import { WorkerError } from "./worker-client.js";

const lost = () => new WorkerError("WORKER_LOST", "the worker was lost: gone");

describe("retryAfterWorkerLoss", () => {
  it("runs a request lost with its worker once more, telling of the loss first", async () => {
    const told: string[] = [];
    let calls = 0;
    const value = await retryAfterWorkerLoss(async () => { if (calls++ === 0) throw lost(); return 42; }, (e) => told.push(e.message));
    expect([value, calls, told]).toEqual([42, 2, ["the worker was lost: gone"]]);
  });

  it("does not retry other errors, and gives a loss only one second chance even when nested", async () => {
    let calls = 0;
    await expect(retryAfterWorkerLoss(async () => { calls++; throw new WorkerError("NOT_RESIDENT", "no"); })).rejects.toThrow("no");
    expect(calls).toBe(1);
    calls = 0;
    const inner = () => retryAfterWorkerLoss(async () => { calls++; throw lost(); });
    await expect(retryAfterWorkerLoss(inner)).rejects.toMatchObject({ code: "WORKER_LOST" });
    expect(calls).toBe(2);
  });
});
