import { afterAll, describe, expect, it } from "vitest";
import { tableFromArrays } from "apache-arrow";
import { shareTable } from "../columnar/share.js";
import { ModelThreads } from "../sandbox/model-threads.js";
import { runTsModel } from "./run-ts-model.js";

const spec = (code: string, extra: object = {}) => ({ name: "m", code: `export default (${code});`, ...extra });
const threads = new ModelThreads();
threads.warm();
afterAll(() => threads.close());
const run = (code: string, inputs = {}, extra: object = {}) => runTsModel(spec(code, extra), inputs, { threads });

describe("runTsModel", () => {
  it("hands inputs to the thread as the same memory, with no copy", async () => {
    // 1001 doubles: their shared buffer is rounded up to 64 bytes, leaving a slot past the
    // column's own bytes. The parent writes into it while the model waits; the model sees
    // the write only because it reads the very same memory (and the column itself is untouched).
    const input = shareTable(tableFromArrays({ x: Float64Array.from({ length: 1001 }, (_, i) => i), s: Array.from({ length: 1001 }, (_, i) => `v${i}`) }));
    const values = input.getChild("x")!.data[0]!.values as Float64Array;
    expect(values.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(values.buffer.byteLength).toBeGreaterThan(values.byteLength + 8);
    const slot = new Int32Array(values.buffer, values.byteOffset + values.byteLength + 4, 1);
    const out = run(`({ t }) => {
      const x = t.getChild("x").data[0].values;
      const slot = new Int32Array(x.buffer, x.byteOffset + x.byteLength + 4, 1);
      Atomics.wait(slot, 0, 0, 10000);
      return [{ n: t.numRows, seen: Atomics.load(slot, 0), s: t.getChild("s").get(1000) }];
    }`, { t: input });
    await new Promise((r) => setTimeout(r, 50));
    Atomics.store(slot, 0, 42);
    Atomics.notify(slot, 0);
    expect((await out).toArray().map((r) => ({ ...r }))).toEqual([{ n: 1001, seen: 42, s: "v1000" }]);
  });

  it("fails a model that writes to its input, naming the input and column, and reports the damaged memory", async () => {
    const input = shareTable(tableFromArrays({ usd: Float64Array.from({ length: 5000 }, (_, i) => 5000 - i) }));
    const err = await run(`({ tx }) => { tx.getChild("usd").data[0].values.sort(); return [{ ok: 1 }]; }`, { tx: input }).catch((e: unknown) => e as Error & { code: string; damaged: Set<ArrayBufferLike> });
    expect((err as Error).message).toMatch(/model "m" wrote to its input "tx" \(column usd\); inputs are read-only/);
    expect((err as { code: string }).code).toBe("MODEL_WROTE_INPUT");
    expect((err as { damaged: Set<ArrayBufferLike> }).damaged.has(input.getChild("usd")!.data[0]!.values.buffer)).toBe(true);
  });

  it("returns Arrow tables built in the thread", async () => {
    const out = await run(`(_, { arrow }) => arrow.tableFromArrays({ a: Int32Array.from([1, 2, 3]) })`);
    expect([...out.getChild("a")!]).toEqual([1, 2, 3]);
  });

  it("ends a runaway allocation at the heap limit with a clear error", async () => {
    const hog = `() => { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); }`;
    await expect(run(hog, {}, { memoryMb: 64, timeoutMs: 30_000 })).rejects.toThrow(/model "m" ran out of memory \(limit 64 MB, memoryMb\)/);
  });

  it("rejects a bad return value and names the model", async () => {
    await expect(run(`() => 42`)).rejects.toThrow(/model "m" returned a bad value: the model returned number/);
  });
});

describe("warm threads", () => {
  it("runs models one after another on the same warm thread, starting none", async () => {
    await run(`() => [{ a: 1 }]`);
    const started = threads.started;
    for (let i = 0; i < 5; i++) expect((await run(`() => [{ i: ${i} }]`)).getChild("i")!.get(0)).toBe(i);
    expect(threads.started).toBe(started);
  });

  it("leaks no state from one model to the next", async () => {
    await run(`() => { globalThis.leaked = "secret"; Array.prototype.evil = 1; JSON.parse = () => "hijacked"; return [{ a: 1 }]; }`);
    const out = await run(`() => [{ leaked: typeof globalThis.leaked, evil: typeof [].evil, json: JSON.parse("2") }]`);
    expect(out.toArray().map((r) => ({ ...r }))).toEqual([{ leaked: "undefined", evil: "undefined", json: 2 }]);
    await run(`() => { setTimeout(() => { globalThis.late = 1; }, 20); return [{ a: 1 }]; }`);
    await new Promise((r) => setTimeout(r, 60));
    const later = await run(`() => [{ late: typeof globalThis.late }]`);
    expect(later.getChild("late")!.get(0)).toBe("undefined");
  });

  it("replaces a thread that timed out, and the next model runs", async () => {
    await expect(run(`() => { for (;;) {} }`, {}, { timeoutMs: 300 })).rejects.toThrow(/ran longer than its 300 ms limit/);
    expect((await run(`() => [{ after: 1 }]`)).getChild("after")!.get(0)).toBe(1);
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
    await expect(run(`() => { for (;;) {} }`, {}, { timeoutMs: 500 })).rejects.toThrow(/model "m" ran longer than its 500 ms limit \(timeoutMs\) and was stopped/);
  });

  it("gives the model no environment variables (no credentials)", async () => {
    process.env.AWS_SECRET_ACCESS_KEY ??= "test-secret-for-isolation";
    const out = await run(`() => [{ keys: Object.keys(process.env).length, secret: process.env.AWS_SECRET_ACCESS_KEY ?? "none" }]`);
    expect(out.toArray().map((r) => ({ ...r }))).toEqual([{ keys: 0, secret: "none" }]);
  });
});
