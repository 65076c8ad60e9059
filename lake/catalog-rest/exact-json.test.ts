import { describe, expect, it } from "vitest";
import { parseExactJson, sameId, stringifyExactJson } from "./exact-json.js";

describe("exact JSON", () => {
  it("keeps integers beyond 2^53 digit for digit, and everything else as JSON.parse does", () => {
    const text = '{"id":6838723292707092922,"neg":-9223372036854775808,"small":42,"float":1.5e300,"text":"12345678901234567890","list":[9007199254740993,0.1]}';
    const value = parseExactJson(text) as Record<string, unknown>;
    expect(value.id).toBe(6838723292707092922n);
    expect(value.neg).toBe(-9223372036854775808n);
    expect(value.small).toBe(42);
    expect(value.float).toBe(1.5e300);
    expect(value.text).toBe("12345678901234567890");
    expect(value.list).toEqual([9007199254740993n, 0.1]);
    expect(stringifyExactJson(value)).toBe('{"id":6838723292707092922,"neg":-9223372036854775808,"small":42,"float":1.5e+300,"text":"12345678901234567890","list":[9007199254740993,0.1]}');
  });

  it("skips strings with quotes and escapes while looking for numbers", () => {
    expect(parseExactJson('{"a\\"1":"x\\\\","b":18446744073709551615}')).toEqual({ 'a"1': "x\\", b: 18446744073709551615n });
  });

  it("compares ids held as number or bigint", () => {
    expect(sameId(5, 5n)).toBe(true);
    expect(sameId(6838723292707092922n, 6838723292707092922n)).toBe(true);
    expect(sameId(6838723292707092922n, 6838723292707093000)).toBe(false);
    expect(sameId(1.5, 1.5)).toBe(false);
    expect(sameId("5", 5)).toBe(false);
  });
});
