// The REPL's pieces under ink-testing-library: the editor's keys (Enter, paste, history,
// moves and kills, bursts, Ctrl-C, keys during a run, a tall cell's window), the DAG
// panel's states, a preview that fits its width, errors with source, and the app over a
// session that runs what each test says (cancel, a table value, .more after a resize).
import { render } from "ink-testing-library";
import { tableFromArrays, type Table } from "apache-arrow";
import { describe, expect, it } from "vitest";
import type { RunReport, Session } from "../../engine/session.js";
import type { CellLanguage } from "../../engine/complete/ts-language.js";
import type { NodeEvent } from "../../protocol/messages.js";
import { App } from "./app.js";
import { DagPanel } from "./dag-panel.js";
import { Editor } from "./editor.js";
import { ErrorView } from "./error-view.js";
import { PreviewTable } from "./preview-table.js";
import { applyNodeEvent as applyEvent, type NodeState } from "../../engine/index.js";
import { emptyReadStats } from "../../engine/run/node-state.js";

// Two turns of the event loop: the key is read, React renders, Ink writes the frame.
const tick = () => new Promise((r) => setImmediate(r)).then(() => new Promise((r) => setImmediate(r)));
/** A frame's lines without trailing blanks. */
const lines = (frame: string | undefined) => (frame ?? "").split("\n").map((l) => l.trimEnd()).filter((l, i, all) => l !== "" || i < all.length - 1);

describe("Editor", () => {
  it("runs a complete cell on Enter and adds a line to an incomplete one", async () => {
    const submitted: string[] = [];
    const ui = render(<Editor history={[]} onSubmit={(t) => { submitted.push(t); }} />);
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
    ui.stdin.write("const a = 1\x0fa + 1\r"); // Ctrl-O: a line under a complete statement
    await tick();
    expect(submitted).toEqual(["const xs = [1,\n 2]", "const a = 1\na + 1"]);
  });

  it("runs a %%sql cell on an empty line once it has a query, inserts a paste whole, and walks the history", async () => {
    const submitted: string[] = [];
    const ui = render(<Editor history={["first()", "second()"]} onSubmit={(t) => { submitted.push(t); }} />);
    ui.stdin.write("%%sql totals");
    await tick();
    ui.stdin.write("\r");
    await tick();
    ui.stdin.write("\r"); // the header alone never runs
    await tick();
    expect(submitted).toEqual([]);
    ui.stdin.write("\x03"); // Ctrl-C: an empty input again
    await tick();
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

  it("completes with Tab: one match inserted, several listed; Tab at a line's start indents", async () => {
    const ui = render(<Editor history={[]} onSubmit={() => {}} complete={async (text, cursor) => (text.slice(0, cursor).endsWith("tra")
      ? { matches: ["transactions"], start: cursor - 3, end: cursor }
      : { matches: ["id", "idx"], start: cursor, end: cursor })} />);
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
    ui.stdin.write("\x15\t");
    await tick();
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop>");
    ui.stdin.write("x");
    await tick();
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop>   x");
  });

  it("splits a burst of backspaces into keys: it deletes and never inserts DEL", async () => {
    const submitted: string[] = [];
    const ui = render(<Editor history={[]} onSubmit={(t) => { submitted.push(t); }} />);
    ui.stdin.write(`const burst = 40 + 2${"z".repeat(325)}`);
    await tick();
    ui.stdin.write("\x7f".repeat(325)); // one read
    await tick();
    expect(ui.lastFrame()).toMatch(/lakeloop> const burst = 40 \+ 2 ?$/m);
    ui.stdin.write("\x7f42\r"); // keys and text in one read
    await tick();
    expect(submitted).toEqual(["const burst = 40 + 42"]);
  });

  it("moves and kills like readline: Left/Right, Home/End, Ctrl-A/E/U/K/W/Y, Alt-B/F, Ctrl-Left/Right, Delete", async () => {
    const submitted: string[] = [];
    const ui = render(<Editor history={[]} onSubmit={(t) => { submitted.push(t); }} />);
    const keys = async (...seq: string[]) => { for (const s of seq) { ui.stdin.write(s); await tick(); } };
    await keys("bogus text", "\x15"); // Ctrl-U
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop>");
    await keys("21 * 2 junk", "\x17"); // Ctrl-W
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop> 21 * 2");
    await keys("\x01", "const kept = ", "\x05", "+ 0; tail end"); // Ctrl-A, Ctrl-E
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop> const kept = 21 * 2 + 0; tail end");
    await keys("\x1bb", "\x1bb", "\x0b"); // Alt-B twice, Ctrl-K
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop> const kept = 21 * 2 + 0;");
    await keys("\x1b[D", "\x1b[D", "\x1b[3~"); // Left, Left, Delete: the ';' goes
    await keys("\x1b[1;5D", "\x1b[1;5D", "\x1b[1;5C", "1"); // Ctrl-Left twice, Ctrl-Right
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop> const kept = 21 * 21 + 0");
    await keys("\x1b[H", "\x1bf", "\x1b[C", "\x0b", "\x19", "\x19"); // Home, Alt-F, Right, Ctrl-K, Ctrl-Y twice
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop> const kept = 21 * 21 + 0 kept = 21 * 21 + 0");
    await keys("\x1b[F", "\x7f".repeat(19), "\r"); // End, 19 backspaces, Enter
    expect(submitted).toEqual(["const kept = 21 * 21 + 0 "]);
  });

  it("moves between the lines of a recalled cell, walks the history only at its first/last line, and runs it after an edit in the middle", async () => {
    const submitted: string[] = [];
    const history = ["function total() {\n  return 10 +\n    20\n}", "total()"];
    const ui = render(<Editor history={history} onSubmit={(t) => { submitted.push(t); }} />);
    const keys = async (...seq: string[]) => { for (const s of seq) { ui.stdin.write(s); await tick(); } };
    await keys("draft", "\x1b[A", "\x1b[A"); // total(), then the function, the cursor at its end
    expect(ui.lastFrame()).toMatch(/lakeloop> function total\(\) {\n\s+\| {3}return 10 \+\n\s+\| {5}20\n\s+\| }/);
    await keys("\x1b[A", "\x1b[F", "0"); // up into "    20", End, type
    await keys("\x1b[A", "\x1b[A", "\x1b[A"); // to the first line, then the history has no older entry
    expect(ui.lastFrame()).toContain("|     200");
    await keys("\x1b[B", "\x1b[B", "\x1b[B", "\x1b[B"); // down to the last line, then newer: total()
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop> total()");
    await keys("\x1b[B"); // newer still: the draft comes back
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop> draft");
    await keys("\x15", "\x1b[A", "\x1b[A"); // the edited entry is kept while walking
    expect(ui.lastFrame()).toContain("|     200");
    await keys("\x1b[A", "\x1b[A", "\r"); // Enter on an earlier line splits it...
    expect(submitted).toEqual([]);
    await keys("\x7f", "\x1b\r"); // ...Backspace joins it again, Alt-Enter runs from anywhere
    expect(submitted).toEqual(["function total() {\n  return 10 +\n    200\n}"]);
  });

  it("Ctrl-C clears a line, and twice on an empty line leaves; any other key in between disarms", async () => {
    const cleared: string[] = [];
    let exits = 0;
    const ui = render(<Editor history={[]} onSubmit={() => {}} onInterrupted={(t) => cleared.push(t)} onExit={() => { exits++; }} />);
    const keys = async (...seq: string[]) => { for (const s of seq) { ui.stdin.write(s); await tick(); } };
    await keys("half a cell", "\x03");
    expect(cleared).toEqual(["half a cell"]);
    expect(lines(ui.lastFrame())[0]).toBe("lakeloop>");
    await keys("\x03");
    expect(ui.lastFrame()).toContain("Ctrl-C again to leave");
    await keys("\x1b[D", "\x03");
    expect(exits).toBe(0);
    await keys("\x03");
    expect(exits).toBe(1);
    await keys("x", "\x04"); // Ctrl-D deletes under the cursor on a line...
    expect(exits).toBe(1);
    await keys("\x1b[D", "\x04", "\x04"); // ...and leaves on an empty one
    expect(exits).toBe(2);
  });

  it("during a run: keys edit the next cell, Enter holds it until the run ends, the keys after it follow; Ctrl-C cancels and keeps the cell", async () => {
    const submitted: string[] = [];
    const runs: (() => void)[] = [];
    let cancels = 0;
    const ui = render(<Editor history={[]} onSubmit={(t) => { submitted.push(t); return new Promise<void>((resolve) => runs.push(resolve)); }} onCancel={() => { cancels++; }} />);
    const keys = async (...seq: string[]) => { for (const s of seq) { ui.stdin.write(s); await tick(); } };
    await keys("spin()", "\r"); // a run starts
    await keys("1 + 1", "\r", "2 + 2", "\r", "3 +");
    expect(submitted).toEqual(["spin()"]);
    expect(ui.lastFrame()).toContain("lakeloop> 1 + 1");
    expect(ui.lastFrame()).toContain("runs when this run ends");
    runs[0]!(); // the run ended: 1 + 1 runs (a run again), 2 + 2 is held
    await tick();
    expect(submitted).toEqual(["spin()", "1 + 1"]);
    expect(ui.lastFrame()).toContain("lakeloop> 2 + 2");
    await keys("\x03"); // cancel: 2 + 2 stays in the editor, "3 +" typed after it is dropped
    expect(cancels).toBe(1);
    expect(ui.lastFrame()).toContain("cancelling the run");
    runs[1]!();
    await tick();
    expect(submitted).toEqual(["spin()", "1 + 1"]);
    expect(lines(ui.lastFrame()).at(-1)).toBe("lakeloop> 2 + 2");
    await keys("\r");
    expect(submitted).toEqual(["spin()", "1 + 1", "2 + 2"]);
  });

  it("shows a window of a cell taller than its rows, around the cursor", async () => {
    const ui = render(<Editor history={[]} onSubmit={() => {}} maxRows={8} />);
    ui.stdin.write(["const tall = [", ...Array.from({ length: 40 }, (_, i) => `  ${i},`)].join("\n"));
    await tick();
    let frame = lines(ui.lastFrame());
    expect(frame.length).toBeLessThanOrEqual(8);
    expect(frame[0]).toMatch(/↑ \d+ more lines/);
    expect(frame.at(-1)).toMatch(/\| {3}39,/);
    ui.stdin.write("\x1b<"); // Alt-<: the start of the cell
    await tick();
    frame = lines(ui.lastFrame());
    expect(frame.length).toBeLessThanOrEqual(8);
    expect(frame[0]).toBe("lakeloop> const tall = [");
    expect(frame.at(-1)).toMatch(/↓ \d+ more lines/);
  });

  it("reads a bracketed paste as text: its line breaks never run it", async () => {
    const submitted: string[] = [];
    const ui = render(<Editor history={[]} onSubmit={(t) => { submitted.push(t); }} />);
    ui.stdin.write("\x1b[200~1 + 1\r2 + 2\r\x1b[201~");
    await tick();
    expect(submitted).toEqual([]);
    expect(ui.lastFrame()).toMatch(/lakeloop> 1 \+ 1\n\s+\| 2 \+ 2/);
  });
});

describe("DagPanel", () => {
  it("shows each node's state, rows, time and bytes fetched vs from cache", () => {
    let rows: NodeState[] = [];
    rows = applyEvent(rows, { type: "node-started", node: "a", name: "transactions[id]", at: 0 });
    rows = applyEvent(rows, { type: "node-reused", node: "b", name: "euro", rows: 1200 });
    rows = applyEvent(rows, { type: "node-started", node: "c", name: "by_country", at: 0 });
    let running = render(<DagPanel rows={rows} />).lastFrame()!;
    expect(running).toMatch(/… transactions\[id\]\s+running/);
    rows = applyEvent(rows, { type: "node-progress", node: "a", name: "transactions[id]", done: 6, total: 24, unit: "fragments" });
    running = render(<DagPanel rows={rows} />).lastFrame()!;
    expect(running).toMatch(/… transactions\[id\]\s+\[█████░{15}\] 25% \(6 of 24 fragments\)/);
    expect(running).toMatch(/= euro\s+reused \(1,200 rows\)/);
    rows = applyEvent(rows, { type: "node-finished", node: "a", name: "transactions[id]", rows: 5000, ms: 42, read: { memoryBytes: 600_000, diskBytes: 0, objectStoreBytes: 184_000, memoryFragments: 3, diskFragments: 0, fetchedFragments: 3 } });
    rows = applyEvent(rows, { type: "node-failed", node: "c", name: "by_country", ms: 3, error: { code: "SQL", message: "no column usdd" } });
    const done = render(<DagPanel rows={rows} />).lastFrame()!;
    expect(done).toMatch(/✓ transactions\[id\]\s+5,000 rows in 42 ms, 184 KB fetched, 600 KB from cache/);
    expect(done).toMatch(/✗ by_country\s+no column usdd/);
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

/** A session that runs what the test says: the App's side of the engine, no worker. */
function fakeSession(runs: Record<string, (onEvent: (e: NodeEvent) => void) => Promise<{ value: unknown; report?: RunReport }>>, results: Record<string, Table> = {}) {
  let cancel: (() => void) | undefined;
  const session = {
    cancelled: 0,
    runCell: (_cell: string, source: string, onEvent: (e: NodeEvent) => void) => runs[source.trim()]!(onEvent),
    cancel: async () => { session.cancelled++; cancel?.(); return true; },
    result: async (name: string) => results[name]!,
    /** A run that ends only when cancelled. */
    spin: (name: string) => (onEvent: (e: NodeEvent) => void) => {
      onEvent({ type: "node-started", node: name, name, at: 0 });
      return new Promise<{ value: unknown; report: RunReport }>((resolve) => {
        cancel = () => {
          onEvent({ type: "node-failed", node: name, name, ms: 1, error: { code: "MODEL_CANCELLED", message: `model "${name}" was cancelled` } });
          resolve({ value: undefined, report: reportOf([{ name, action: "cancelled", error: `model "${name}" was cancelled` }], [], true) });
        };
      });
    },
  };
  return session;
}

function reportOf(nodes: Partial<RunReport["nodes"][number]>[], previews: RunReport["previews"], cancelled = false): RunReport {
  return {
    nodes: nodes.map((n) => ({ id: n.name, rows: 0, ms: 1, read: emptyReadStats(), installs: [], ...n })),
    previews,
    cancelled,
    expectations: [],
    summary: { ms: 1, read: { objectStoreBytes: 0, memoryBytes: 0, diskBytes: 0 } },
  } as unknown as RunReport;
}

const renderApp = (session: ReturnType<typeof fakeSession>) =>
  render(<App session={session as unknown as Session} language={{ remember() {} } as unknown as CellLanguage} history={[]} onHistory={() => {}} />);

describe("App", () => {
  it("Ctrl-C during a run cancels it through the session and keeps the REPL; the next cell runs", async () => {
    const session = fakeSession({ "spin()": (e) => session.spin("spin")(e), "1 + 1": async () => ({ value: 2 }) });
    const ui = renderApp(session);
    ui.stdin.write("spin()\r");
    await tick();
    expect(ui.lastFrame()).toMatch(/… spin\s+running/);
    ui.stdin.write("\x03");
    await tick();
    expect(session.cancelled).toBe(1);
    expect(ui.lastFrame()).toMatch(/■ spin\s+cancelled/);
    expect(ui.lastFrame()).toMatch(/run cancelled/);
    ui.stdin.write("1 + 1\r");
    await tick();
    expect(ui.lastFrame()).toMatch(/lakeloop> 1 \+ 1\n2\n/);
  });

  it("shows a table a cell evaluates to (await result(...)) as a preview, '1 row' in the singular", async () => {
    const euro = tableFromArrays({ id: Int32Array.from([7]), country: ["DE"] });
    const session = fakeSession({ 'await result("euro")': async () => ({ value: euro }) });
    const ui = renderApp(session);
    ui.stdin.write('await result("euro")\r');
    await tick();
    const frame = ui.lastFrame()!;
    expect(frame).toMatch(/euro {2}1 row × 2 columns/);
    expect(frame).toMatch(/id\s+country\nint32\s+utf8\n7\s+DE/);
    expect(frame).not.toMatch(/Table|schema|batches/);
  });

  it(".more pages at the terminal's current width, every page but the last with the hint", async () => {
    const wide = (n: number) => tableFromArrays({ a_rather_long_column_name: Int32Array.from({ length: n }, (_, i) => i), another_long_column: Int32Array.from({ length: n }, (_, i) => i * 2), third_long_column_name: Int32Array.from({ length: n }, (_, i) => i * 3) });
    const session = fakeSession({ "wide()": async () => ({ value: undefined, report: reportOf([{ name: "wide", action: "ran", rows: 25 }], [{ node: "model:wide", name: "wide", rows: 25, table: wide(20) }]) }) }, { wide: wide(25) });
    const ui = renderApp(session);
    const pages = () => ui.lastFrame()!.split(/\n(?=wide {2})/).slice(1);
    ui.stdin.write("wide()\r");
    await tick();
    expect(pages()[0]).toMatch(/a_rather_long_column_name\s+another_long_column\s+third_long_column_name/);
    expect(pages()[0]).toMatch(/rows 1–10 of 25; \.more for the next page/);
    Object.defineProperty(ui.stdout, "columns", { value: 60, configurable: true });
    ui.stdout.emit("resize");
    await tick();
    ui.stdin.write(".more\r");
    await tick();
    expect(pages()[1]).toMatch(/\(1 not shown:\s+third_long_column_name\)/);
    expect(pages()[1]).toMatch(/rows 11–20 of 25; \.more for the next page/); // the preview's last rows, more to come
    ui.stdin.write(".more\r");
    await tick();
    expect(pages()[2]).toMatch(/^24\s+48$/m);
    expect(pages()[2]).not.toMatch(/\.more/);
  });
});
