// The SQL-node suite: the same contract on both paths into DuckDB — the native bridge
// scanning Arrow in place and the JavaScript appender path. Every test runs on each.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Binary, Bool, DateDay, Decimal, Dictionary, Float32, Float64, Int16, Int32, Int64, Int8, makeData, makeVector,
  RecordBatch, Schema, Struct, Table, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond,
  Uint64, Uint8, Utf8, Field, vectorFromArray, type Data, type DataType,
} from "apache-arrow";
import { decimalToString } from "./decimal.js";
import { nativeStatus } from "./native/load-native.js";
import { openSqlOverArrow, type SqlOverArrow } from "./sql-over-arrow.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const status = nativeStatus();
// The native path must be there unless it was turned off on purpose (LAKELOOP_NATIVE=0):
// a bridge that failed to build fails this suite rather than hiding behind a skip.
const paths = (["native", "js"] as const).filter((p) => p === "js" || process.env.LAKELOOP_NATIVE !== "0");

const encoder = new TextEncoder();

function utf8Data(values: (string | null)[]): Data<Utf8> {
  return vectorFromArray(values, new Utf8()).data[0]!;
}

/** A dictionary column whose dictionary is in the given (unsorted) order. */
function dictionaryData(dictionary: string[], keys: (number | null)[]): Data<Dictionary<Utf8, Int32>> {
  const dict = makeVector(utf8Data(dictionary));
  const validity = new Uint8Array(Math.ceil(keys.length / 8));
  keys.forEach((k, i) => { if (k !== null) validity[i >> 3]! |= 1 << (i & 7); });
  const nullCount = keys.filter((k) => k === null).length;
  return makeData({
    type: new Dictionary(new Utf8(), new Int32()), length: keys.length, nullCount, nullBitmap: nullCount ? validity : undefined,
    data: Int32Array.from(keys, (k) => k ?? 0), dictionary: dict,
  });
}

function tableOf(columns: Record<string, Data[]>): Table {
  const names = Object.keys(columns);
  const fields = names.map((n) => new Field(n, columns[n]![0]!.type as DataType, true));
  const schema = new Schema(fields);
  const batches = columns[names[0]!]!.map((first, b) => new RecordBatch(schema, makeData({
    type: new Struct(fields), length: first.length, nullCount: 0, children: names.map((n) => columns[n]![b]!),
  })));
  return new Table(schema, batches);
}

function decimalWords(values: (bigint | null)[]): Uint32Array {
  const out = new Uint32Array(values.length * 4);
  values.forEach((v, i) => {
    const x = BigInt.asUintN(128, v ?? 0n);
    for (let w = 0; w < 4; w++) out[i * 4 + w] = Number((x >> BigInt(32 * w)) & 0xffffffffn);
  });
  return out;
}

const ROWS = 5000;
const at = (i: number) => i % 11 === 0;

function typedTable(): Table {
  const n = ROWS;
  const nulls = Array.from({ length: n }, (_, i) => at(i));
  const vec = <T extends DataType>(type: T, make: (i: number) => unknown) => vectorFromArray(Array.from({ length: n }, (_, i) => (nulls[i] ? null : make(i))) as never, type).data[0]! as Data;
  const validity = Uint8Array.from({ length: Math.ceil(n / 8) }, (_, b) => { let x = 0; for (let k = 0; k < 8; k++) if (b * 8 + k < n && !nulls[b * 8 + k]) x |= 1 << k; return x; });
  const nullCount = nulls.filter(Boolean).length;
  // 64-bit timestamps straight into their buffers (Arrow JS's builders take milliseconds).
  const stamps = <T extends DataType>(type: T, make: (i: number) => bigint) =>
    makeData({ type: type as never, length: n, nullCount, nullBitmap: validity, data: BigInt64Array.from({ length: n }, (_, i) => (nulls[i] ? 0n : make(i))) as never }) as Data;
  return tableOf({
    i8: [vec(new Int8(), (i) => (i % 200) - 100)],
    i16: [vec(new Int16(), (i) => i - 2500)],
    i32: [vec(new Int32(), (i) => i * 1000)],
    i64: [vec(new Int64(), (i) => BigInt(i) * 1_000_000_007n - 9_000_000_000_000_000_000n)],
    u8: [vec(new Uint8(), (i) => i % 256)],
    u64: [vec(new Uint64(), (i) => 18_000_000_000_000_000_000n + BigInt(i))],
    f32: [vec(new Float32(), (i) => i / 4)],
    f64: [vec(new Float64(), (i) => i / 3)],
    ok: [vec(new Bool(), (i) => i % 3 === 0)],
    day: [vec(new DateDay(), (i) => new Date(Date.UTC(2023, 0, 1 + (i % 400))))],
    ts: [stamps(new TimestampMicrosecond(), (i) => BigInt(1672531200000000 + i * 1000003))],
    tz: [stamps(new TimestampMicrosecond("UTC"), (i) => BigInt(1672531200000000 + i))],
    ts_s: [stamps(new TimestampSecond(), (i) => BigInt(1672531200 + i))],
    ts_ms: [stamps(new TimestampMillisecond(), (i) => BigInt(1672531200000 + i))],
    ts_ns: [stamps(new TimestampNanosecond(), (i) => 1672531200000000000n + BigInt(i))],
    s: [utf8Data(Array.from({ length: n }, (_, i) => (nulls[i] ? null : `value ${"x".repeat(i % 20)}`)))],
    bin: [vectorFromArray(Array.from({ length: n }, (_, i) => (nulls[i] ? null : encoder.encode(`b${i}`))), new Binary()).data[0]!],
    country: [dictionaryData(["IT", "DE", "FR", "AT"], Array.from({ length: n }, (_, i) => (nulls[i] ? null : i % 4)))],
    dec: [makeData({ type: new Decimal(2, 10, 128), length: n, nullCount, nullBitmap: validity,
      data: decimalWords(Array.from({ length: n }, (_, i) => BigInt(i) * 101n - 250_000n)) })],
    big: [makeData({ type: new Decimal(10, 38, 128), length: n, nullCount: 0,
      data: decimalWords(Array.from({ length: n }, (_, i) => 12345678901234567890123456789n * BigInt(i % 7 === 0 ? -1 : 1) + BigInt(i))) })],
  });
}

/** A value as the suite compares it: decimals as their exact text, timestamps in microseconds. */
function comparable(table: Table, column: string, row: number): unknown {
  const field = table.schema.fields.find((f) => f.name === column)!;
  const v = table.getChild(column)!.get(row);
  if (v === null) return null;
  const type = field.type as DataType & { scale?: number; unit?: number };
  if (type.typeId === 7) return decimalToString(v as Uint32Array, type.scale!);
  // Timestamps as their raw 64-bit values (Arrow JS's get() gives milliseconds).
  if (type.typeId === 10) return (table.getChild(column)!.data[0]!.values as BigInt64Array)[row];
  if (v instanceof Uint8Array) return Array.from(v).join(",");
  return v;
}

describe.each(paths)("SQL over Arrow on the %s path", (path) => {
  let sql: SqlOverArrow;
  beforeAll(async () => {
    if (path === "native") expect(status.path, `the native bridge should be built by npm install: ${status.reason}`).toBe("native");
    sql = await openSqlOverArrow({ path, threads: 2 });
  });
  afterAll(async () => { await sql?.close(); });

  it("says which path it is", () => {
    expect(sql.path).toBe(path);
  });

  it("round-trips every type with nulls, values exact", async () => {
    const input = typedTable();
    const out = await sql.query("SELECT * FROM t", { t: input });
    expect(out.numRows).toBe(ROWS);
    const expected: Record<string, string> = { ts_s: "ts", ts_ms: "ts", ts_ns: "ts_ns" };
    for (const field of input.schema.fields) {
      const got = out.schema.fields.find((f) => f.name === field.name)!;
      expect(got, field.name).toBeDefined();
      for (const row of [0, 1, 2, 11, 12, 2047, 2048, 2049, ROWS - 1]) {
        let want = comparable(input, field.name, row);
        if (want !== null && field.name === "ts_s") want = (want as bigint) * 1_000_000n;
        if (want !== null && field.name === "ts_ms") want = (want as bigint) * 1000n;
        const have = comparable(out, field.name, row);
        expect([field.name, row, have], expected[field.name] ?? field.name).toEqual([field.name, row, want]);
      }
      expect(out.getChild(field.name)!.nullCount, field.name).toBe(input.getChild(field.name)!.nullCount);
    }
  });

  it("reads a subset of a table's columns, in another order, with a filter", async () => {
    const input = typedTable();
    const out = await sql.query("SELECT s, i32 FROM t WHERE i16 > 2400 AND i16 IS NOT NULL ORDER BY i32", { t: input });
    expect(out.schema.fields.map((f) => f.name)).toEqual(["s", "i32"]);
    const rows = Array.from({ length: ROWS }, (_, i) => i).filter((i) => !at(i) && i - 2500 > 2400);
    expect(out.numRows).toBe(rows.length);
    expect(out.getChild("i32")!.get(0)).toBe(rows[0]! * 1000);
    expect(out.getChild("s")!.get(out.numRows - 1)).toBe(`value ${"x".repeat(rows.at(-1)! % 20)}`);
  });

  it("scans an input twice in one query (self-join) and two inputs at once", async () => {
    const a = tableOf({ id: [vectorFromArray([1, 2, 3, 4], new Int32()).data[0]!], v: [vectorFromArray([10, 20, 30, 40], new Int32()).data[0]!] });
    const b = tableOf({ id: [vectorFromArray([2, 4], new Int32()).data[0]!] });
    const out = await sql.query("SELECT x.id, x.v + y.v AS w FROM a x JOIN a y USING (id) WHERE id IN (SELECT id FROM b) ORDER BY id", { a, b });
    expect([...out.getChild("id")!]).toEqual([2, 4]);
    expect([...out.getChild("w")!]).toEqual([40, 80]);
  });

  it("keeps a dictionary column's values and row order through SQL, with one sorted dictionary", async () => {
    // Two batches with different dictionaries, in neither sorted nor equal order.
    const t = tableOf({ country: [dictionaryData(["IT", "DE"], [0, 1, 1, null, 0]), dictionaryData(["FR", "IT", "AT"], [2, 0, 1, 1])] });
    const out = await sql.query("SELECT * FROM t", { t });
    const column = out.getChild("country")!;
    expect(out.schema.fields[0]!.type.toString()).toMatch(/^Dictionary</);
    expect([...column]).toEqual(["IT", "DE", "DE", null, "IT", "AT", "FR", "IT", "IT"]);
    expect([...column.data[0]!.dictionary!]).toEqual(["AT", "DE", "FR", "IT"]);
  });

  it("compares, groups and sorts dictionary strings as strings", async () => {
    const t = tableOf({ c: [dictionaryData(["ES", "DE", "FR", "AT"], [0, 1, 2, 3, 0, 1])], n: [vectorFromArray([1, 2, 3, 4, 5, 6], new Int32()).data[0]!] });
    const q = async (s: string) => [...(await sql.query(s, { t })).getChild("c")!];
    expect(await q("SELECT c FROM t WHERE c < 'E' ORDER BY n")).toEqual(["DE", "AT", "DE"]);
    expect(await q("SELECT c FROM t WHERE c = 'FR'")).toEqual(["FR"]);
    expect(await q("SELECT c FROM t WHERE c LIKE 'E%' ORDER BY n")).toEqual(["ES", "ES"]);
    expect(await q("SELECT DISTINCT c FROM t ORDER BY c")).toEqual(["AT", "DE", "ES", "FR"]);
    expect(await q("SELECT c || '!' AS c FROM t ORDER BY n LIMIT 1")).toEqual(["ES!"]);
    const grouped = await sql.query("SELECT c, sum(n) AS s FROM t GROUP BY c ORDER BY c", { t });
    expect([...grouped.getChild("s")!].map(Number)).toEqual([4, 8, 6, 3]);
  });

  it("reads empty inputs and returns empty results with their columns", async () => {
    const empty = new Table(new Schema([new Field("x", new Int32(), true)]));
    const out = await sql.query("SELECT x, x * 2 AS y FROM t", { t: empty });
    expect(out.numRows).toBe(0);
    expect(out.schema.fields.map((f) => f.name)).toEqual(["x", "y"]);
    expect(out.batches.length).toBe(1);
    const none = await sql.query("SELECT i32 FROM t WHERE false", { t: typedTable() });
    expect(none.numRows).toBe(0);
  });

  it("turns 128-bit sums that fit into longs, and refuses those that do not", async () => {
    const t = tableOf({ v: [vectorFromArray([9_000_000_000_000_000_000n, 9_000_000_000_000_000_000n], new Int64()).data[0]!] });
    const small = await sql.query("SELECT sum(v) - 9000000000000000000 AS s FROM t", { t });
    expect(small.getChild("s")!.get(0)).toBe(9_000_000_000_000_000_000n);
    await expect(sql.query("SELECT sum(v) AS s FROM t", { t })).rejects.toThrow(/column "s" has a value beyond 64 bits/);
  });

  it("names the column of a type it cannot return", async () => {
    await expect(sql.query("SELECT [1, 2] AS xs")).rejects.toThrow(/column "xs" has type/);
  });

  it("keeps user SQL away from files, the network and settings", async () => {
    await expect(sql.query("SELECT * FROM read_text('/etc/hostname')")).rejects.toThrow(/disabled|not allowed|external/i);
    await expect(sql.query("SELECT * FROM read_parquet('/tmp/x.parquet')")).rejects.toThrow(/disabled|not allowed|external/i);
    await expect(sql.query("SET enable_external_access = true")).rejects.toThrow(/lock|configuration/i);
    await expect(sql.query("COPY (SELECT 1) TO '/tmp/lakeloop-escape.csv'")).rejects.toThrow(/disabled|not allowed|external/i);
  });

  it("cancels a running query", async () => {
    const big = tableOf({ x: [vectorFromArray(Array.from({ length: 200_000 }, (_, i) => i), new Int32()).data[0]!] });
    const abort = new AbortController();
    const running = sql.query("SELECT count(*) FROM t a, t b WHERE a.x + b.x = -1", { t: big }, abort.signal);
    setTimeout(() => abort.abort(), 100);
    await expect(running).rejects.toThrow(/cancelled/);
    const after = await sql.query("SELECT 41 + 1 AS x");
    expect(after.getChild("x")!.get(0)).toBe(42);
  });

  it("keeps memory flat over 200 runs (registered Arrow is released)", async () => {
    const n = 500_000;
    const t = tableOf({
      id: [vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i)), new Int64()).data[0]!],
      c: [dictionaryData(["AT", "DE", "FR"], Array.from({ length: n }, (_, i) => i % 3))],
    });
    const run = () => sql.query("SELECT c, count(*) AS k, sum(id) AS s FROM t GROUP BY c", { t });
    // Native memory behind JS objects is freed by finalizers after a collection: settle.
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 20));
      }
      return process.memoryUsage();
    };
    const duckMemory = async () => Number((await sql.query("SELECT sum(memory_usage_bytes)::BIGINT AS b FROM duckdb_memory()")).getChild("b")!.get(0));
    for (let i = 0; i < 30; i++) await run();
    const before = await settle();
    const duckBefore = await duckMemory();
    const growth: number[] = [];
    for (let i = 0; i < 200; i++) {
      const out = await run();
      expect(out.numRows).toBe(3);
      if (i % 50 === 49) growth.push(((await settle()).rss - before.rss) / 1e6);
    }
    const after = await settle();
    if (status.bridge && path === "native") expect(status.bridge.registrations()).toBe(0);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(8 * 1024 ** 2);
    expect((await duckMemory()) - duckBefore).toBeLessThan(8 * 1024 ** 2);
    // The process's resident memory moves with the allocators' own keeping; what a leak
    // would show is steady growth, so the second hundred runs must not add to the first:
    // the highest point of the second hundred against the highest of the first (a single
    // reading swings by tens of MB as allocators keep and return pages).
    expect(Math.max(growth[2]!, growth[3]!) - Math.max(growth[0]!, growth[1]!), `rss growth in MB after each 50 runs: ${growth.map((g) => g.toFixed(0)).join(", ")}`).toBeLessThan(48);
  });
});
