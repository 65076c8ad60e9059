// The REPL's pieces under ink-testing-library: the editor's Enter, paste and history
// rules, the DAG panel's states, a preview that fits its width, and errors with source.
import { render } from "ink-testing-library";
import { tableFromArrays } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { DagPanel } from "./dag-panel.js";
import { Editor } from "./editor.js";
import { ErrorView } from "./error-view.js";
import { PreviewTable } from "./preview-table.js";
import { applyEvent, type NodeRow } from "../run-state.js";

const tick = () => new Promise((r) => setTimeout(r, 30));

describe("Editor", () => {
  it("runs a complete cell on Enter and adds a line to an incomplete one", async () => {
    const submitted: string[] = [];
    const ui = render(<Editor active history={[]} onSubmit={(t) => submitted.push(t)} />);
    ui.stdin.write("const xs = [1,");
    await tick();
    ui.stdin.write("\r");
    await tick();
    expect(submitted).toEqual([]);
    expect(ui.lastFrame()).toMatch(/lakeloop> const xs = \[1,\n\s+\|/);
    ui.stdin.write(" 2]");
    await tick();
    ui.stdin.write("\r");
    await tick();
    expect(submitted).toEqual(["const xs = [1,\n 2]"]);
    expect(ui.lastFrame()).not.toMatch(/xs/);
  });

  it("runs a %%sql cell on an empty line, inserts a paste whole, and walks the history", async () => {
    const submitted: string[] = [];
    const ui = render(<Editor active history={["first()", "second()"]} onSubmit={(t) => submitted.push(t)} />);
    ui.stdin.write("%%sql totals\nSELECT 1\nFROM t"); // a paste: inserted, not run line by line
    await tick();
    expect(submitted).toEqual([]);
    ui.stdin.write("\r");
    await tick();
    expect(submitted).toEqual([]);
    ui.stdin.write("\r");
    await tick();
    expect(submitted).toEqual(["%%sql totals\nSELECT 1\nFROM t\n"]);
    ui.stdin.write("\u001B[A"); // up
    await tick();
    expect(ui.lastFrame()).toContain("lakeloop> second()");
    ui.stdin.write("\u001B[A");
    await tick();
    expect(ui.lastFrame()).toContain("lakeloop> first()");
  });

  it("completes with Tab: one match inserted, several listed", async () => {
    const ui = render(<Editor active history={[]} onSubmit={() => {}} complete={async (text) => (text.endsWith("tra")
      ? { matches: ["transactions"], start: text.length - 3, end: text.length }
      : { matches: ["id", "idx"], start: text.length, end: text.length })} />);
    ui.stdin.write(`Model("tra`);
    await tick();
    ui.stdin.write("\t");
    await tick();
    expect(ui.lastFrame()).toContain(`lakeloop> Model("transactions`);
    ui.stdin.write(`", { columns: ["`);
    await tick();
    ui.stdin.write("\t");
    await tick();
    expect(ui.lastFrame()).toMatch(/id {2}idx/);
  });
});

describe("DagPanel", () => {
  it("shows each node's state, rows, time and bytes fetched vs from cache", () => {
    let rows: NodeRow[] = [];
    rows = applyEvent(rows, { type: "node-started", node: "a", name: "transactions[id]", at: 0 });
    rows = applyEvent(rows, { type: "node-reused", node: "b", name: "euro", rows: 1200 });
    rows = applyEvent(rows, { type: "node-started", node: "c", name: "by_country", at: 0 });
    let running = render(<DagPanel rows={rows} />).lastFrame()!;
    expect(running).toMatch(/… transactions\[id\]\s+running/);
    rows = applyEvent(rows, { type: "node-progress", node: "a", name: "transactions[id]", done: 6, total: 24, unit: "fragments" });
    running = render(<DagPanel rows={rows} />).lastFrame()!;
    expect(running).toMatch(/… transactions\[id\]\s+\[█████░{15}\] 6\/24 fragments/);
    expect(running).toMatch(/= euro\s+reused, 1,200 rows/);
    rows = applyEvent(rows, { type: "node-finished", node: "a", name: "transactions[id]", rows: 5000, ms: 42, read: { memoryBytes: 600_000, diskBytes: 0, objectStoreBytes: 184_000, memoryFragments: 3, diskFragments: 0, fetchedFragments: 3 } });
    rows = applyEvent(rows, { type: "node-failed", node: "c", name: "by_country", ms: 3, error: { code: "SQL", message: "no column usdd" } });
    const done = render(<DagPanel rows={rows} />).lastFrame()!;
    expect(done).toMatch(/✓ transactions\[id\]\s+5,000 rows in 42 ms, 184 KB fetched, 600 KB from cache/);
    expect(done).toMatch(/✗ by_country\s+failed: no column usdd/);
  });
});

describe("PreviewTable", () => {
  const table = tableFromArrays({
    country: ["DE", "FR", "IT"], usd: Float64Array.from([1.5, 2.25, 3]), a_rather_long_column_name: ["x", "y", "z"], another_long_column: ["p", "q", "r"],
  });

  it("shows names, types, rows and the row count", () => {
    const frame = render(<PreviewTable name="by_country" table={table} totalRows={3} width={200} />).lastFrame()!;
    expect(frame).toMatch(/by_country {2}3 rows × 4 columns/);
    expect(frame).toMatch(/country\s+usd\s+a_rather_long_column_name\s+another_long_column/);
    expect(frame).toMatch(/utf8\s+float64/);
    expect(frame).toMatch(/FR\s+2\.25/);
  });

  it("fits the width, naming the columns it leaves out", () => {
    const frame = render(<PreviewTable name="by_country" table={table} totalRows={3000} width={40} />).lastFrame()!;
    for (const line of frame.split("\n").slice(1)) expect(line.length).toBeLessThanOrEqual(40);
    expect(frame).toMatch(/4 columns \(\d not shown: .*another_long_column\)/);
    expect(frame).toMatch(/rows 1–3 of 3,000/);
  });
});

describe("ErrorView", () => {
  it("shows the error and the cell's lines around it, the failing one marked", () => {
    const source = "const a = 1;\nconst b = 2;\nthrow new Error('x');\nconst c = 3;\nconst d = 4;\nconst e = 5;";
    const frame = render(<ErrorView message="Error: x" source={source} line={3} />).lastFrame()!;
    expect(frame.split("\n")).toEqual(["Error: x", "  1 | const a = 1;", "  2 | const b = 2;", "> 3 | throw new Error('x');", "  4 | const c = 3;", "  5 | const d = 4;"]);
  });
});
