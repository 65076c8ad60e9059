import { describe, expect, it } from "vitest";
import { cellCompleteness } from "./cell-completeness.js";

describe("cellCompleteness", () => {
  it("says complete, incomplete or invalid like a careful editor", () => {
    for (const code of ["1 + 1", "const x = [1, 2]", "model('a', {}, () => [])", "`a ${1 + 1} b`", "%%sql x\nSELECT 1", "%plan", "const r = /[(]/.test('(')"]) {
      expect(cellCompleteness(code), code).toBe("complete");
    }
    for (const code of ["%%sql agg", "%%sql agg --materialize\n", "%%sql agg\n  \n", "const x = [1,", "model('a', {", "const s = `abc ${", "const s = `abc", "const s = 'abc", "function f() {\n  return 1;"]) {
      expect(cellCompleteness(code), code).toBe("incomplete");
    }
    for (const code of ["const = ;", "let x = );", "1 +* 2"]) {
      expect(cellCompleteness(code), code).toBe("invalid");
    }
  });
});
