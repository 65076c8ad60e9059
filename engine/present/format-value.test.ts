// One text per value for every CLI output: ISO dates and timestamps, exact longs and
// decimals, JSON numbers that keep every digit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrowFromDuckDB } from "../../columnar/arrow-from-duckdb.js";
import { Duck } from "../../columnar/duckdb.js";
import { makeData, makeVector, Decimal, TimestampMicrosecond, TimestampNanosecond } from "apache-arrow";
import { formatCell, jsonOfCell } from "./format-value.js";
import { formatTable } from "./format-table.js";

let duck: Duck;
beforeAll(async () => { duck = await Duck.open(); });
afterAll(() => duck?.close());

describe("formatCell", () => {
  it("prints dates, timestamps and instants in ISO 8601, longs with every digit", async () => {
    const t = await arrowFromDuckDB(duck, `SELECT * FROM (VALUES
      (DATE '2023-01-04', TIMESTAMP '2023-01-01 00:00:12.148082', TIMESTAMPTZ '2023-01-01 00:00:12.148082+00', 1234567890123456789::BIGINT, 0.1::DOUBLE + 0.2::DOUBLE),
      (DATE '1969-12-31', TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMPTZ '2023-06-01 10:00:00+02', (-9223372036854775807 - 1)::BIGINT, NULL)) v(d, ts, tz, id, x)`);
    const row = (i: number, style?: "exact") => t.schema.fields.map((_, c) => formatCell(t.getChildAt(c)!, i, style));
    expect(row(0)).toEqual(["2023-01-04", "2023-01-01T00:00:12.148082", "2023-01-01T00:00:12.148082Z", "1234567890123456789", "0.3"]);
    expect(row(0, "exact")[4]).toBe("0.30000000000000004");
    expect(row(1)).toEqual(["1969-12-31", "1969-12-31T23:59:59.999999", "2023-06-01T08:00:00Z", "-9223372036854775808", null]);
    expect(formatTable(t)).toMatch(/\n2023-01-04 +2023-01-01T00:00:12\.148082 +2023-01-01T00:00:12\.148082Z +1234567890123456789 +0\.3 *\n/);
  });

  it("prints Arrow decimals exactly and nanosecond timestamps to the microsecond", () => {
    const words = new Uint32Array(8);
    // 9007199254740993.000000000000000001 at scale 18, then -1.5 (two's complement).
    const a = (9007199254740993n * 10n ** 18n) + 1n;
    const b = BigInt.asUintN(128, -15n * 10n ** 17n);
    for (let w = 0; w < 4; w++) {
      words[w] = Number((a >> BigInt(32 * w)) & 0xffffffffn);
      words[4 + w] = Number((b >> BigInt(32 * w)) & 0xffffffffn);
    }
    const decimals = makeVector(makeData({ type: new Decimal(18, 38, 128), length: 2, data: words }));
    expect([formatCell(decimals, 0), formatCell(decimals, 1)]).toEqual(["9007199254740993.000000000000000001", "-1.500000000000000000"]);
    expect(jsonOfCell(decimals, 0)).toBe("9007199254740993.000000000000000001");
    const nanos = makeVector(makeData({ type: new TimestampNanosecond(), length: 1, data: BigInt64Array.of(1672531212148082999n) }));
    expect(formatCell(nanos, 0)).toBe("2023-01-01T00:00:12.148082");
    const utc = makeVector(makeData({ type: new TimestampMicrosecond("UTC"), length: 1, data: BigInt64Array.of(0n) }));
    expect(formatCell(utc, 0)).toBe("1970-01-01T00:00:00Z");
  });
});

describe("jsonOfCell", () => {
  it("writes longs as exact JSON numbers, times as ISO strings, NULL as null", async () => {
    const t = await arrowFromDuckDB(duck, `SELECT 9007199254740993::BIGINT AS id, DATE '2023-01-04' AS d, NULL::VARCHAR AS s, 'x"y' AS q, true AS b, 'NaN'::DOUBLE AS n`);
    const json = `{${t.schema.fields.map((f, c) => `"${f.name}": ${jsonOfCell(t.getChildAt(c)!, 0)}`).join(", ")}}`;
    expect(json).toBe(`{"id": 9007199254740993, "d": "2023-01-04", "s": null, "q": "x\\"y", "b": true, "n": "NaN"}`);
  });
});
