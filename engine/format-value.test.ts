import { makeVector, TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, TimestampSecond, DateDay, DateMillisecond, vectorFromArray, Int64 } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { formatCell } from "./format-value.js";

const at = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe("formatCell", () => {
  it("prints timestamps in ISO 8601 to the microsecond, with Z only on instants", () => {
    const local = makeVector({ type: new TimestampMicrosecond(), data: new BigInt64Array([at("2023-01-01T00:00:12Z") + 148_082n, at("2023-03-04T05:06:07Z"), -1n]) });
    expect([0, 1, 2].map((i) => formatCell(local, i))).toEqual(["2023-01-01T00:00:12.148082", "2023-03-04T05:06:07", "1969-12-31T23:59:59.999999"]);
    const instant = makeVector({ type: new TimestampMicrosecond("UTC"), data: new BigInt64Array([at("2023-01-01T00:00:12Z") + 148_082n]) });
    expect(formatCell(instant, 0)).toBe("2023-01-01T00:00:12.148082Z");
    expect(formatCell(makeVector({ type: new TimestampMillisecond(), data: new BigInt64Array([1_672_531_212_148n]) }), 0)).toBe("2023-01-01T00:00:12.148000");
    expect(formatCell(makeVector({ type: new TimestampSecond(), data: new BigInt64Array([1_672_531_212n]) }), 0)).toBe("2023-01-01T00:00:12");
    expect(formatCell(makeVector({ type: new TimestampNanosecond(), data: new BigInt64Array([1_672_531_212_148_082_999n]) }), 0)).toBe("2023-01-01T00:00:12.148082");
  });

  it("prints dates as days, in chunks and slices, and nulls as NULL", () => {
    expect(formatCell(makeVector({ type: new DateDay(), data: new Int32Array([19361]) }), 0)).toBe("2023-01-04");
    expect(formatCell(makeVector({ type: new DateMillisecond(), data: new BigInt64Array([1_672_790_400_000n]) }), 0)).toBe("2023-01-04");
    const sliced = makeVector({ type: new TimestampMicrosecond(), data: new BigInt64Array([0n, 1n, at("2023-01-01T00:00:00Z")]) }).slice(1);
    expect(formatCell(sliced, 1)).toBe("2023-01-01T00:00:00");
    const chunked = vectorFromArray([1n, null], new Int64()).concat(vectorFromArray([12345678901234567n], new Int64()));
    expect([0, 1, 2].map((i) => formatCell(chunked, i))).toEqual(["1", "NULL", "12345678901234567"]);
    expect(formatCell(vectorFromArray([1.23456789, 2]), 0)).toBe("1.234568");
  });
});
