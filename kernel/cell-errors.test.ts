import { describe, expect, it } from "vitest";
import type { NodeReport } from "../engine/session.js";
import { emptyReadStats } from "../engine/run/node-state.js";
import { runErrorContent } from "./cell-errors.js";

const failed = (name: string, error: string, action: "failed" | "cancelled" = "failed"): NodeReport => ({ id: name, name, kind: "ts", action, reason: "new", read: emptyReadStats(), installs: [], error });
const CELL = 'model("broken", {}, () => {\n  const rows = [];\n  if (rows.length === 0) throw new Error("no rows");\n  return rows;\n});';

describe("a failed run as an error", () => {
  it("points at the model's own cell and line, and quotes that line", () => {
    const error = runErrorContent([failed("broken", 'model "broken" threw: no rows\n    at cell[3]:3')], (c) => (c === "cell[3]" ? CELL : undefined));
    expect(error).toEqual({
      ename: "ModelError",
      evalue: 'model "broken" threw: no rows',
      traceback: ['ModelError: model "broken" threw: no rows', "    at cell[3], line 3", '    3 | if (rows.length === 0) throw new Error("no rows");'],
    });
  });

  it("says only cancelled for an interrupted run", () => {
    const error = runErrorContent([failed("slow", "node slow was cancelled", "cancelled")], () => undefined);
    expect(error).toEqual({ ename: "Cancelled", evalue: "cancelled: slow", traceback: ["cancelled: slow"] });
  });
});
