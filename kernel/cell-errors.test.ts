import { describe, expect, it } from "vitest";
import type { NodeReport } from "../engine/session.js";
import { runErrorContent } from "./cell-errors.js";

const failed = (name: string, error: string): NodeReport => ({ name, kind: "ts", action: "failed", reason: "new", objectStoreBytes: 0, cacheBytes: 0, error });
const CELL = 'model("broken", {}, () => {\n  const rows = [];\n  if (rows.length === 0) throw new Error("no rows");\n  return rows;\n});';

describe("a failed run as an error", () => {
  it("points at the model's own cell and line, and quotes that line", () => {
    const error = runErrorContent([failed("broken", 'model "broken" threw: no rows\n    at cell[3]:3')], () => false, (c) => (c === "cell[3]" ? CELL : undefined));
    expect(error).toEqual({
      ename: "ModelError",
      evalue: 'model "broken" threw: no rows',
      traceback: ['ModelError: model "broken" threw: no rows', "    at cell[3], line 3", '    3 | if (rows.length === 0) throw new Error("no rows");'],
    });
  });

  it("says only cancelled for an interrupted run", () => {
    const error = runErrorContent([failed("slow", "node slow was cancelled")], (n) => n === "slow", () => undefined);
    expect(error).toEqual({ ename: "Cancelled", evalue: "cancelled: slow", traceback: ["cancelled: slow"] });
  });
});
