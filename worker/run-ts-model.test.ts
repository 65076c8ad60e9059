import { describe, expect, it } from "vitest";
import { tableFromArrays } from "apache-arrow";
import { shareTable } from "../columnar/share.js";
import { runTsModel } from "./run-ts-model.js";

const spec = (code: string, extra: object = {}) => ({ name: "m", code: `export default (${code});`, ...extra });

describe("runTsModel", () => {
  it("hands inputs to the thread as the same memory, with no copy", async () => {
    const input = shareTable(tableFromArrays({ x: Float64Array.from({ length: 1000 }, (_, i) => i), s: Array.from({ length: 1000 }, (_, i) => `v${i}`) }));
    const values = input.getChild("x")!.data[0]!.values as Float64Array;
    expect(values.buffer).toBeInstanceOf(SharedArrayBuffer);
    // The model writes into its input: only shared memory lets the parent see it.
    const out = await runTsModel(spec(`({ t }) => { t.getChild("x").data[0].values[0] = 42; return [{ n: t.numRows, s: t.getChild("s").get(999) }]; }`), { t: input });
    expect(values[0]).toBe(42);
    expect(out.getChild("n")!.get(0)).toBe(1000);
    expect(out.getChild("s")!.get(0)).toBe("v999");
  });

  it("returns Arrow tables built in the thread", async () => {
    const out = await runTsModel(spec(`(_, { arrow }) => arrow.tableFromArrays({ a: Int32Array.from([1, 2, 3]) })`), {});
    expect([...out.getChild("a")!]).toEqual([1, 2, 3]);
  });

  it("ends a runaway allocation at the heap limit with a clear error", async () => {
    const hog = `() => { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); }`;
    await expect(runTsModel(spec(hog, { memoryMb: 64, timeoutMs: 30_000 }), {})).rejects.toThrow(/model "m" ran out of memory \(limit 64 MB, memoryMb\)/);
  });

  it("rejects a bad return value and names the model", async () => {
    await expect(runTsModel(spec(`() => 42`), {})).rejects.toThrow(/model "m" returned a bad value: the model returned number/);
  });
});

describe("runTsModel limits and isolation", () => {
  it("stops an endless loop at its wall-clock limit with a clear error", async () => {
    await expect(runTsModel(spec(`() => { for (;;) {} }`, { timeoutMs: 500 }), {})).rejects.toThrow(/model "m" ran longer than its 500 ms limit \(timeoutMs\) and was stopped/);
  });

  it("gives the model no environment variables (no credentials)", async () => {
    process.env.AWS_SECRET_ACCESS_KEY ??= "test-secret-for-isolation";
    const out = await runTsModel(spec(`() => [{ keys: Object.keys(process.env).length, secret: process.env.AWS_SECRET_ACCESS_KEY ?? "none" }]`), {});
    expect(out.toArray().map((r) => ({ ...r }))).toEqual([{ keys: 0, secret: "none" }]);
  });
});
