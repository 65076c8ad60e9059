// Numeric flags take whole positive numbers written as digits, and say which flag
// when they do not.
import { describe, expect, it } from "vitest";
import { parsePositiveInt } from "./args.js";

describe("parsePositiveInt", () => {
  it("accepts digits, grouped or not, and the fallback when the flag is absent", () => {
    expect(parsePositiveInt("rows", "1000", 5)).toBe(1000);
    expect(parsePositiveInt("rows", "1_000_000", 5)).toBe(1_000_000);
    expect(parsePositiveInt("rows", undefined, 5)).toBe(5);
  });

  it("refuses anything else, naming the flag and the value", () => {
    for (const bad of ["abc", "", "0", "-3", "2.5", "1e3", "0x10", "12abc", "9007199254740993", "1__0"]) {
      expect(() => parsePositiveInt("limit", bad, 50)).toThrow(`--limit must be a positive integer, got '${bad}'`);
    }
    expect(() => parsePositiveInt("months", "241", 12, 240)).toThrow("--months must be at most 240, got '241'");
  });
});
