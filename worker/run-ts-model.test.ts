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

  it("refuses a table whose columns differ in length, naming the model and the lengths", async () => {
    // apache-arrow pads the short column with rows that have no data behind them.
    const uneven = `(_, { arrow }) => new arrow.Table({ x: arrow.vectorFromArray([1, 2, 3]), y: arrow.vectorFromArray(["a"]) })`;
    await expect(runTsModel(spec(uneven), {})).rejects.toThrow(/^model "m" returned a bad table: its columns differ in length \(x: 3, y: 1\); every column needs one value per row$/);
  });

  it("refuses batches that disagree with the table's schema", async () => {
    const otherType = `(_, { arrow }) => arrow.tableFromArrays({ x: Int32Array.from([1, 2]) }).concat(arrow.tableFromArrays({ x: Float32Array.from([1.5]) }))`;
    await expect(runTsModel(spec(otherType), {})).rejects.toThrow(/model "m" returned a bad table: column "x" in record batch 2 holds Float32Array values where Int32 keeps Int32Array/);
    const moreColumns = `(_, { arrow }) => arrow.tableFromArrays({ x: Int32Array.from([1]) }).concat(arrow.tableFromArrays({ x: Int32Array.from([2]), z: Float64Array.from([2]) }))`;
    await expect(runTsModel(spec(moreColumns), {})).rejects.toThrow(/model "m" returned a bad table: record batch 2 has 2 columns but the table's schema has 1 \(x\)/);
  });

  it("refuses rows that are not objects, or hold values no Arrow column can", async () => {
    await expect(runTsModel(spec(`() => [{ a: 1, f: () => 1 }]`), {})).rejects.toThrow(/model "m" returned a bad value: column "f" holds a function \(row 1\), which no Arrow column can hold/);
    await expect(runTsModel(spec(`() => [{ a: 1 }, 2]`), {})).rejects.toThrow(/model "m" returned a bad value: row 2 is a number, not an object of column values/);
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
