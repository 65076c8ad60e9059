// The REPL screen: what ran so far (printed once, scrolling up), the DAG panel while a
// run is in flight, and the editor (which keeps reading keys during a run: Ctrl-C
// cancels it through the session). It renders Session events and outcomes; all planning
// happens in the engine.
import { Box, Static, Text, useApp, useStdout } from "ink";
import { useRef, useState, type ReactElement } from "react";
import type { Table } from "apache-arrow";
import type { Session } from "../../engine/session.js";
import { summarizeRun } from "../../engine/present/run-summary.js";
import { applyNodeEvent, type NodeState } from "../../engine/run/node-state.js";
import { blockingFailures, describeExpectations } from "../../engine/expect/expectation-results.js";
import { completeCell } from "../../engine/complete/complete-cell.js";
import { lakeNamesOf } from "../../engine/complete/session-names.js";
import type { CellLanguage } from "../../engine/complete/ts-language.js";
import { evaluateCell } from "../evaluate.js";
import type { Outcome } from "../outcome.js";
import { DagPanel, fitNodes } from "./dag-panel.js";
import { Editor } from "./editor.js";
import { ErrorView } from "./error-view.js";
import { PAGE_ROWS, PreviewTable } from "./preview-table.js";
import { useTerminalSize } from "./use-terminal-size.js";

interface Shown { name: string; table: Table; totalRows: number; offset: number }

export interface AppProps {
  session: Session;
  language: CellLanguage;
  history: string[];
  onHistory(entry: string): void;
  banner?: string;
}

export function App({ session, language, history, onHistory, banner }: AppProps) {
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const size = useTerminalSize();
  const [log, setLog] = useState<{ id: number; element: ReactElement }[]>(banner ? [{ id: 0, element: <Text color="gray">{banner}</Text> }] : []);
  const [running, setRunning] = useState<NodeState[] | undefined>();
  const cells = useRef(0);
  const ids = useRef(1);
  const shown = useRef<Shown | undefined>(undefined);
  // Read when a preview is drawn, so `.more` after a resize uses the new width.
  const width = () => Math.max(40, (stdout.columns || 100) - 2);
  const print = (element: ReactElement) => setLog((l) => [...l, { id: ids.current++, element }]);
  const preview = (s: Shown) => {
    shown.current = s;
    print(<PreviewTable name={s.name} table={s.table} totalRows={s.totalRows} offset={s.offset} width={width()} />);
  };

  const show = (outcome: Outcome, source: string, cellId?: string) => {
    switch (outcome.kind) {
      case "run": {
        const report = outcome.report;
        print(<DagPanel rows={report.nodes} />);
        for (const p of report.previews) preview({ name: p.name, table: p.table, totalRows: p.rows, offset: 0 });
        for (const e of report.expectations) if (e.status === "failed" && e.sample) preview({ name: `${e.name}: offending rows of ${e.model}`, table: e.sample, totalRows: e.rows ?? e.sample.numRows, offset: 0 });
        // Expectations that did not pass: a failure in red (✗), a warning in yellow (!).
        for (const line of describeExpectations(report)) print(<Text color={line.startsWith("✗") ? "red" : "yellow"}>{line}</Text>);
        const failed = report.nodes.filter((n) => n.action === "failed");
        if (report.cancelled) print(<Text color="yellow">run cancelled (Ctrl-C)</Text>);
        else for (const f of failed) print(<ErrorView message={`${f.name}: ${f.error ?? "failed"}`} source={source} line={lineOf(f.error, cellId)} />);
        print(<Text color={failed.length || blockingFailures(report).length ? "red" : "green"}>{summarizeRun(report)}</Text>);
        return;
      }
      case "table": return preview({ name: outcome.name, table: outcome.table, totalRows: outcome.table.numRows, offset: 0 });
      case "value": return print(<Text>{outcome.text}</Text>);
      case "text": return outcome.text ? print(<Text>{outcome.text}</Text>) : undefined;
      case "error": return print(<ErrorView message={outcome.message} source={outcome.source} line={outcome.line} />);
      // Through Ink, which draws the live part (the editor) again after the clear.
      case "clear": write("\x1b[2J\x1b[3J\x1b[H"); return setLog([]);
      case "exit": return exit();
    }
  };

  /** Runs a cell; the promise settles when it is shown (the editor holds the next Enter until then). */
  const submit = (text: string): Promise<void> => {
    onHistory(text);
    print(<Text color="blue">{echoOf(text)}</Text>);
    if (text.trim() === ".more") return more();
    const cellId = `cell[${++cells.current}]`;
    let rows: NodeState[] = [];
    setRunning([]);
    return evaluateCell(session, cellId, text, (e) => { rows = applyNodeEvent(rows, e); setRunning(rows); })
      .then((outcome) => {
        if (outcome.kind !== "error" && outcome.kind !== "exit" && !text.trim().startsWith(".") && !text.trim().startsWith("%%")) language.remember(text);
        setRunning(undefined);
        show(outcome, text, cellId);
      });
  };

  const more = async () => {
    const s = shown.current;
    if (!s) return print(<Text color="gray">no result to page through yet</Text>);
    const offset = s.offset + PAGE_ROWS;
    if (offset >= s.totalRows) return print(<Text color="gray">{`that was the last page of ${s.name}`}</Text>);
    try {
      preview({ ...s, offset, table: offset < s.table.numRows ? s.table : await session.result(s.name) });
    } catch (err) {
      print(<ErrorView message={(err as Error).message} source=".more" />);
    }
  };

  // The live panel and the editor share the screen's rows, less one: a taller live area
  // makes Ink clear the screen on every update.
  const panelRows = Math.max(2, Math.floor(size.rows / 2));
  const panel = running ? fitNodes(running, panelRows, size.columns) : undefined;
  return (
    <Box flexDirection="column">
      <Static items={log}>{(item) => <Box key={item.id}>{item.element}</Box>}</Static>
      {running ? <DagPanel rows={running} maxRows={panelRows} width={size.columns} /> : null}
      <Editor
        maxRows={size.rows - 1 - (panel?.height ?? 0)}
        history={history}
        onSubmit={submit}
        onCancel={() => { void session.cancel(); }}
        onInterrupted={(text) => print(<Text color="gray">{`${echoOf(text)} ^C`}</Text>)}
        onExit={exit}
        onClearScreen={() => show({ kind: "clear" }, "")}
        complete={(text, cursor) => completeCell(text, cursor, lakeNamesOf(session), language)}
      />
    </Box>
  );
}

/** A cell as it was typed, for the output log. */
function echoOf(text: string): string {
  return text.split("\n").map((l, i) => `${i ? "        | " : "lakeloop> "}${l}`).join("\n");
}

/** The line a model error names ("... at cell[3]:4"), when it is a line of this cell (a model of an earlier cell has its own lines). */
function lineOf(error: string | undefined, cellId: string | undefined): number | undefined {
  const m = error ? /(cell\[\d+\]):(\d+)/.exec(error) : null;
  return m && m[1] === cellId ? Number(m[2]) : undefined;
}
