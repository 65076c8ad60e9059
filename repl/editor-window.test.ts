// The editor's window on a tall cell: never taller than its rows, the cursor's line
// always in it, and still while the cursor moves inside it.
import { describe, expect, it } from "vitest";
import { rowsOfLine, windowOf } from "./editor-window.js";

describe("windowOf", () => {
  const heights = Array.from({ length: 40 }, () => 1);
  const rows = (w: { from: number; to: number }, h: number[]) => h.slice(w.from, w.to).reduce((a, b) => a + b, 0) + (w.from > 0 ? 1 : 0) + (w.to < h.length ? 1 : 0);

  it("shows everything when it fits", () => {
    expect(windowOf([1, 1, 1], 2, 0, 3)).toEqual({ from: 0, to: 3 });
  });

  it("keeps the cursor's line in view within the rows, moving only when the cursor leaves the window", () => {
    for (let cursor = 0; cursor < heights.length; cursor++) {
      const w = windowOf(heights, cursor, 0, 10);
      expect(rows(w, heights)).toBeLessThanOrEqual(10);
      expect(cursor >= w.from && cursor < w.to).toBe(true);
    }
    const atEnd = windowOf(heights, 39, 0, 10);
    expect(atEnd).toEqual({ from: 32, to: 40 });
    expect(windowOf(heights, 35, atEnd.from, 10)).toEqual(atEnd); // moving inside: still
    expect(windowOf(heights, 20, atEnd.from, 10)).toEqual({ from: 20, to: 28 });
  });

  it("counts wrapped lines as the rows they take", () => {
    expect(rowsOfLine("x".repeat(100), 10, 50)).toBe(3);
    const tall = [1, 3, 3, 3, 1, 1];
    const w = windowOf(tall, 3, 0, 6);
    expect(rows(w, tall)).toBeLessThanOrEqual(6);
    expect(w.from <= 3 && 3 < w.to).toBe(true);
  });
});
