// The model threads' faster reads give exactly Arrow's answers: ints (64-bit as bigint),
// floats, dictionary strings, nulls, sliced batches, rows read in order, backwards and at
// random, past the end; other types keep Arrow's own get; a table's row count is the same.
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { fastenGet, installFastReads } from "./fast-reads.js";

const { Table, tableFromArrays, vectorFromArray, Dictionary, Utf8, Int32, Int64, Float64, Bool, TimestampMillisecond } = arrow;

/** Three batches of `rows` each, from `make(offset)`, some sliced so their data has an offset. */
function batchesOf(make: (offset: number) => arrow.Vector, rows: number): arrow.Vector {
  const parts = [0, 1, 2].map((b) => make(b * rows));
  return new arrow.Vector(parts.flatMap((v, b) => (b === 1 ? v.slice(3, rows).data : v.data)));
}

function expectSameReads(make: () => arrow.Vector): void {
  const plain = make();
  const fast = make();
  fastenGet(arrow, fast);
  const n = plain.length;
  const order = [...Array(n).keys()];
  const shuffled = order.map((i) => (i * 7919) % n);
  for (const i of [...order, ...order.slice().reverse(), ...shuffled, n, n + 5, -1]) expect(fast.get(i)).toEqual(plain.get(i));
}

describe("fast reads in model threads", () => {
  it("read ints, 64-bit ints, floats and nulls as Arrow does, across sliced batches", () => {
    const withNulls = (offset: number) => Array.from({ length: 40 }, (_, i) => ((i + offset) % 5 === 0 ? null : i + offset));
    expectSameReads(() => batchesOf((o) => vectorFromArray(withNulls(o), new Int32()), 40));
    expectSameReads(() => batchesOf((o) => vectorFromArray(withNulls(o).map((v) => (v === null ? null : BigInt(v) * 10_000_000_000n)), new Int64()), 40));
    expectSameReads(() => batchesOf((o) => vectorFromArray(withNulls(o).map((v) => (v === null ? null : v / 3)), new Float64()), 40));
  });

  it("read dictionary strings as Arrow does, with nulls", () => {
    const words = ["DE", "FR", null, "IT", "ES"];
    expectSameReads(() => batchesOf((o) => vectorFromArray(Array.from({ length: 30 }, (_, i) => words[(i + o) % 5]!), new Dictionary(new Utf8(), new Int32())), 30));
  });

  it("read a row past either end, or NaN, as null; go back to Arrow's get after a write through set", () => {
    const fast = batchesOf((o) => vectorFromArray(Array.from({ length: 10 }, (_, i) => i + o), new Int32()), 10);
    fastenGet(arrow, fast);
    for (const i of [-1, fast.length, fast.length + 100, NaN]) expect(fast.get(i)).toBeNull();
    expect(fast.get(4)).toBe(4);
    fast.set(4, null);
    expect(fast.get(4)).toBeNull();
    expect(fast.get(5)).toBe(5);
  });

  it("leave other types to Arrow's own get", () => {
    const bools = vectorFromArray([true, false, null], new Bool());
    const before = bools.get;
    fastenGet(arrow, bools);
    expect(bools.get).toBe(before);
    const times = vectorFromArray([new Date(0), new Date(86_400_000)], new TimestampMillisecond());
    fastenGet(arrow, times);
    expect(times.get(1)).toEqual(vectorFromArray([new Date(0), new Date(86_400_000)], new TimestampMillisecond()).get(1));
  });

  it("hand out fast columns from every table and count a table's rows once, to the same number", () => {
    const parts = [0, 1, 2, 3].map((b) => tableFromArrays({ x: Float64Array.from({ length: 10 }, (_, i) => b * 10 + i) }));
    const expected = new Table(parts.flatMap((t) => t.batches));
    const rows = expected.numRows;
    installFastReads(arrow);
    const table = new Table(parts.flatMap((t) => t.batches));
    expect(table.numRows).toBe(rows);
    expect(table.numRows).toBe(40);
    expect(Object.hasOwn(table, "numRows")).toBe(true);
    const x = table.getChild("x")!;
    expect(Object.hasOwn(x, "get")).toBe(true);
    expect(Array.from({ length: 40 }, (_, i) => x.get(i))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // A derived table counts its own rows; a frozen one is counted each time; a grown batch list is counted again.
    expect(table.slice(5, 12).numRows).toBe(7);
    expect(Object.freeze(new Table(parts.flatMap((t) => t.batches))).numRows).toBe(40);
    table.batches.push(parts[0]!.batches[0]!);
    expect(table.numRows).toBe(50);
  });
});
