import { Decimal, makeData, makeVector, Table } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrowFromDuckDB } from "../../columnar/arrow-from-duckdb.js";
import { Duck } from "../../columnar/duckdb.js";
import type { PrimitiveField, Schema } from "../schema.js";
import { FilterError } from "./errors.js";
import { filterTable } from "./filter-table.js";
import { formatFilter } from "./format-filter.js";
import { parseFilter } from "./parse-filter.js";
import { statsOfPartition } from "./partition-range.js";
import { mightMatch, type ColumnStats } from "./prune.js";

const schema: Schema = {
  "schema-id": 0, type: "struct",
  fields: [
    { id: 1, name: "id", type: "long", required: true },
    { id: 2, name: "usd", type: "double", required: false },
    { id: 3, name: "country", type: "string", required: false },
    { id: 4, name: "eventTime", type: "timestamp", required: false },
    { id: 5, name: "qty", type: "int", required: false },
    { id: 6, name: "day", type: "date", required: false },
    { id: 7, name: "ok", type: "boolean", required: false },
  ],
};
const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe("parseFilter", () => {
  it("parses the seed filter into a typed BETWEEN with microsecond bounds", () => {
    const f = parseFilter("eventTime BETWEEN '2023-01-01' AND '2023-02-01'", schema);
    expect(f.expr).toMatchObject({ kind: "between", field: { id: 4 }, low: micros("2023-01-01T00:00:00Z"), high: micros("2023-02-01T00:00:00Z"), negated: false });
    expect(f.fieldIds).toEqual([4]);
  });

  it("handles precedence, IN, IS NULL, NOT, flipped literals and quoted names", () => {
    const f = parseFilter(`country IN ('IT','FR') AND usd > 100 OR NOT ("usd" IS NULL) AND 5 >= id`, schema);
    expect(f.expr.kind).toBe("or");
    const [left, right] = (f.expr as { args: unknown[] }).args as { kind: string; args: { kind: string; op?: string }[] }[];
    expect(left!.kind).toBe("and");
    expect(right!.args[1]).toMatchObject({ kind: "compare", op: "<=", value: 5n });
    expect(f.fieldIds).toEqual([1, 2, 3]);
  });

  it("coerces literals to each column's type", () => {
    const expr = (text: string) => parseFilter(text, schema).expr as { value?: unknown; values?: unknown[] };
    expect(expr("qty = 3").value).toBe(3);
    expect(expr("id = 3").value).toBe(3n);
    expect(expr("day >= DATE '2023-01-02'").value).toBe(19359);
    expect(expr("eventTime < TIMESTAMP '2023-01-01 00:00:00.000001'").value).toBe(micros("2023-01-01T00:00:00Z") + 1n);
    expect(expr("eventTime < '2023-01-01T02:00:00+02:00'").value).toBe(micros("2023-01-01T00:00:00Z"));
    expect(expr("ok = true").value).toBe(true);
    expect(expr("usd > -1.5e2").value).toBe(-150);
  });

  it("points at the offending part of the filter", () => {
    const error = (text: string) => { try { parseFilter(text, schema); } catch (e) { return e as FilterError; } throw new Error("no error"); };
    const unknown = error("evenTime BETWEEN '2023-01-01' AND '2023-02-01'");
    expect(unknown.code).toBe("FILTER_UNKNOWN_COLUMN");
    expect(unknown.message).toBe(`unknown column "evenTime" in filter (did you mean "eventTime"?)\n  evenTime BETWEEN '2023-01-01' AND '2023-02-01'\n  ^^^^^^^^`);
    const type = error("usd > 'lots'");
    expect(type.code).toBe("FILTER_TYPE");
    expect(type.message).toMatch(/cannot compare double column "usd" with 'lots'\n  usd > 'lots'\n        \^\^\^\^\^\^$/);
    expect(error("qty = 3000000000").message).toMatch(/outside the range of int column "qty"/);
    expect(error("eventTime > '2023-13-01'").message).toMatch(/is not a timestamp/);
    expect(error("usd > 1 usd < 3").message).toMatch(/unexpected 'usd' \(missing AND or OR\?\)\n.*\n {10}\^\^\^$/);
    expect(error("usd BETWEEN 1").code).toBe("FILTER_SYNTAX");
    // A typo where the comparison belongs: the typo is underlined, not the column before it.
    expect(error("usd > 1 AND eventTime BETWEN '2023-01-01' AND '2023-02-01'").message).toBe(
      `expected a comparison after column "eventTime" (=, <, >, BETWEEN, IN, IS NULL), found 'BETWEN' (did you mean BETWEEN?)\n` +
      `  usd > 1 AND eventTime BETWEN '2023-01-01' AND '2023-02-01'\n  ${" ".repeat(22)}^^^^^^`);
    expect(error("usd").message).toMatch(/expected a comparison after column "usd" .*\n {2}usd\n {5}\^$/);
    expect(error("country = 'IT").message).toMatch(/unterminated string/);
    expect(error("usd = usd").message).toMatch(/with a constant, not with column "usd"/);
    expect(error("").message).toMatch(/the filter is empty/);
  });

  it("formats canonically: spacing, keyword case and literal spelling do not matter", () => {
    const a = formatFilter(parseFilter("eventTime BETWEEN '2023-01-01' AND '2023-02-01'", schema).expr);
    const b = formatFilter(parseFilter("  eventtime   between TIMESTAMP '2023-01-01 00:00:00' and '2023-02-01T00:00:00Z' ", schema).expr);
    expect(a).toBe(b);
    expect(a).toBe(`"eventTime" BETWEEN TIMESTAMP '2023-01-01 00:00:00.000' AND TIMESTAMP '2023-02-01 00:00:00.000'`);
    expect(formatFilter(parseFilter("usd > 1 AND (country = 'IT' OR country = 'FR')", schema).expr)).toBe(`"usd" > 1 AND ("country" = 'IT' OR "country" = 'FR')`);
  });
});

describe("mightMatch", () => {
  const stats = (s: Record<number, ColumnStats>) => (id: number) => s[id];
  const jan = { 4: { min: micros("2023-01-01T00:00:00Z"), max: micros("2023-01-31T23:59:59Z"), nullCount: 0, valueCount: 10 } };
  const may = (text: string, s: Record<number, ColumnStats>) => mightMatch(parseFilter(text, schema).expr, stats(s));

  it("prunes by ranges and keeps what could match", () => {
    expect(may("eventTime BETWEEN '2023-01-01' AND '2023-02-01'", jan)).toBe(true);
    expect(may("eventTime BETWEEN '2023-02-01' AND '2023-03-01'", jan)).toBe(false);
    expect(may("eventTime >= '2023-02-01'", jan)).toBe(false);
    expect(may("eventTime < '2023-01-01'", jan)).toBe(false);
    expect(may("eventTime <= '2023-01-01'", jan)).toBe(true);
    expect(may("usd > 5", jan)).toBe(true); // no stats for usd: never prune
  });

  it("handles NOT, IN, equality on a single value and nulls exactly", () => {
    const point = { 3: { min: "IT", max: "IT", nullCount: 0, valueCount: 5 } };
    expect(may("country = 'IT'", point)).toBe(true);
    expect(may("NOT (country = 'IT')", point)).toBe(false);
    expect(may("country <> 'IT'", point)).toBe(false);
    expect(may("country IN ('FR', 'DE')", point)).toBe(false);
    expect(may("country NOT IN ('IT')", point)).toBe(false);
    expect(may("NOT (country IN ('FR'))", point)).toBe(true);
    const nulls = { 2: { nullCount: 5, valueCount: 5 } };
    expect(may("usd > 0", nulls)).toBe(false);
    expect(may("NOT (usd > 0)", nulls)).toBe(false); // NULL is neither true nor false
    expect(may("usd IS NULL", nulls)).toBe(true);
    expect(may("usd IS NOT NULL", nulls)).toBe(false);
    expect(may("usd IS NULL", { 2: { min: 1, max: 2, nullCount: 0, valueCount: 5 } })).toBe(false);
    expect(may("NOT (eventTime BETWEEN '2022-01-01' AND '2024-01-01')", jan)).toBe(false);
  });

  it("derives source ranges from partition values", () => {
    const field = schema.fields[3]! as PrimitiveField;
    const month = statsOfPartition("month", 637, field)!;
    expect([month.min, month.max]).toEqual([micros("2023-02-01T00:00:00Z"), micros("2023-03-01T00:00:00Z") - 1n]);
    const day = statsOfPartition("day", 19358, schema.fields[5]! as PrimitiveField)!;
    expect([day.min, day.max]).toEqual([19358, 19358]);
    expect(mightMatch(parseFilter("eventTime BETWEEN '2023-01-01' AND '2023-02-01'", schema).expr, () => month)).toBe(true); // the 1st of February
    expect(mightMatch(parseFilter("eventTime < '2023-02-01'", schema).expr, () => month)).toBe(false);
  });
});

describe("filterTable against DuckDB", () => {
  let duck: Duck;
  beforeAll(async () => {
    duck = await Duck.open();
    await duck.run(`CREATE TABLE t AS SELECT i::BIGINT AS id, CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 1.25)::DOUBLE END AS usd,
      CASE WHEN i % 11 = 0 THEN NULL ELSE ['IT','FR','DE','ES'][1 + i % 4] END AS country,
      TIMESTAMP '2023-01-01' + to_microseconds(i * 3600000000) AS eventTime, (i % 50)::INTEGER AS qty,
      DATE '2023-01-01' + (i % 90)::INTEGER AS day, CASE WHEN i % 13 = 0 THEN NULL ELSE i % 2 = 0 END AS ok
      FROM range(5000) r(i)`);
  });
  afterAll(() => duck?.close());

  const filters = [
    "eventTime BETWEEN '2023-01-15' AND '2023-02-01'",
    "country IN ('IT', 'FR') AND usd > 100",
    "NOT (usd IS NULL) OR id <= 5",
    "country <> 'IT'",
    "NOT (country = 'DE' OR qty >= 40)",
    "day >= DATE '2023-02-01' AND ok = true",
    "usd NOT BETWEEN 10 AND 4000",
    "country > 'E' AND country < 'G'",
    "ok IS NULL OR usd IS NULL",
  ];
  for (const text of filters) {
    it(`keeps exactly DuckDB's rows for: ${text}`, async () => {
      const table = await arrowFromDuckDB(duck, "SELECT * FROM t ORDER BY id", { batchRows: 2048 });
      const kept = filterTable(table, parseFilter(text, schema));
      const ours = [...kept.getChild("id")!].map(Number);
      const theirs = (await duck.rows(`SELECT id FROM t WHERE ${text} ORDER BY id`)).map((r) => Number(r.id));
      expect(ours).toEqual(theirs);
      // The gathered columns carry the right values and nulls too.
      if (ours.length > 0) {
        const usd = (await duck.rows(`SELECT usd FROM t WHERE ${text} ORDER BY id`)).map((r) => r.usd);
        expect([...kept.getChild("usd")!]).toEqual(usd);
      }
    });
  }
});

describe("exact 64-bit and decimal filters", () => {
  const exact: Schema = {
    "schema-id": 0, type: "struct",
    fields: [
      { id: 1, name: "id", type: "long", required: false },
      { id: 2, name: "big", type: "decimal(38, 18)", required: false },
      { id: 3, name: "price", type: "decimal(9, 2)", required: false },
    ],
  };
  const column = (type: Decimal, values: bigint[]) => {
    const words = new Uint32Array(values.length * 4);
    values.forEach((v, i) => { for (let w = 0; w < 4; w++) words[i * 4 + w] = Number((BigInt.asUintN(128, v) >> BigInt(32 * w)) & 0xffffffffn); });
    return makeVector(makeData({ type, length: values.length, data: words }));
  };

  it("coerces decimal literals to unscaled integers at the column's scale, and prints them back", () => {
    const f = parseFilter("big = 9007199254740993.000000000000000001 AND price IN (1.25, 3) AND id = 1234567890123456789", exact);
    const [big, price, id] = (f.expr as { args: { value?: unknown; values?: unknown[] }[] }).args;
    expect(big!.value).toBe(9007199254740993000000000000000001n);
    expect(price!.values).toEqual([125n, 300n]);
    expect(id!.value).toBe(1234567890123456789n);
    expect(formatFilter(f.expr)).toBe(`"big" = 9007199254740993.000000000000000001 AND "price" IN (1.25, 3.00) AND "id" = 1234567890123456789`);
    expect(() => parseFilter("price = 1.255", exact)).toThrow(/1\.255 has more decimal places than decimal\(9, 2\) column "price" holds \(2\)/);
    expect(() => parseFilter("price = 12345678.5", exact)).toThrow(/outside the range of decimal\(9, 2\)/);
  });

  it("prunes by exact bounds: a value one unit past the maximum is out", () => {
    const stats = (id: number) => (id === 2 ? { min: 9007199254740993000000000000000000n, max: 9007199254740993000000000000000001n, nullCount: 0, valueCount: 2 } : undefined);
    expect(mightMatch(parseFilter("big = 9007199254740993.000000000000000001", exact).expr, stats)).toBe(true);
    expect(mightMatch(parseFilter("big = 9007199254740993.000000000000000002", exact).expr, stats)).toBe(false);
  });

  it("filters Arrow Decimal rows exactly, and refuses a decimal that arrives as doubles", () => {
    const big = column(new Decimal(18, 38, 128), [9007199254740993000000000000000001n, 9007199254740993000000000000000002n, -1n]);
    const table = new Table({ big });
    const kept = filterTable(table, parseFilter("big >= 9007199254740993.000000000000000002 OR big < 0", exact));
    expect(kept.numRows).toBe(2);
    const wide = new Table({ big: makeVector(Float64Array.of(1)) });
    expect(() => filterTable(wide, parseFilter("big = 1", exact))).toThrow(/decimal\(38, 18\) column "big" arrived as Float64: filtering it exactly needs Arrow Decimal values/);
  });
});
