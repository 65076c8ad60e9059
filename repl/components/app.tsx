// The REPL screen: what ran so far (printed once, scrolling up), the DAG panel while a
// run is in flight, and the editor. It renders Session events and outcomes; all
// planning happens in the engine.
import { Box, Static, Text, useApp, useStdout } from "ink";
import { useRef, useState, type ReactElement } from "react";
import type { Table } from "apache-arrow";
import type { Session } from "../../engine/session.js";
import { summarize } from "../../cli/render-run.js";
import { completeCell } from "../../engine/complete/complete-cell.js";
import { lakeNamesOf } from "../../engine/complete/session-names.js";
import type { CellLanguage } from "../../engine/complete/ts-language.js";
import { evaluateCell, type Outcome } from "../evaluate.js";
import { applyEvent, type NodeRow } from "../run-state.js";
import { DagPanel } from "./dag-panel.js";
import { Editor } from "./editor.js";
import { ErrorView } from "./error-view.js";
import { PAGE_ROWS, PreviewTable } from "./preview-table.js";

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
  const { stdout } = useStdout();
  const [log, setLog] = useState<{ id: number; element: ReactElement }[]>(banner ? [{ id: 0, element: <Text color="gray">{banner}</Text> }] : []);
  const [running, setRunning] = useState<NodeRow[] | undefined>();
  const cells = useRef(0);
  const ids = useRef(1);
  const shown = useRef<Shown | undefined>(undefined);
  const exitArmed = useRef(false);
  const width = Math.max(40, (stdout.columns ?? 100) - 2);
  const print = (element: ReactElement) => setLog((l) => [...l, { id: ids.current++, element }]);

  const show = (outcome: Outcome, source: string, rows: NodeRow[]) => {
    switch (outcome.kind) {
      case "run": {
        const report = outcome.report;
        print(<DagPanel rows={rows.length ? rows : report.nodes.map((n) => ({ id: n.name, name: n.name, state: n.action === "ran" ? "done" : n.action === "reused" ? "reused" : n.action === "failed" ? "failed" : "skipped", rows: n.rows, ms: n.ms, fetchedBytes: n.objectStoreBytes, cachedBytes: n.cacheBytes, error: n.error, installs: [] }))} />);
        for (const p of report.previews) {
          shown.current = { name: p.name, table: p.table, totalRows: p.rows, offset: 0 };
          print(<PreviewTable name={p.name} table={p.table} totalRows={p.rows} width={width} />);
        }
        const failed = report.nodes.filter((n) => n.action === "failed");
        for (const f of failed) print(<ErrorView message={`${f.name}: ${f.error ?? "failed"}`} source={source} line={lineOf(f.error)} />);
        print(<Text color={failed.length ? "red" : "green"}>{summarize(report)}</Text>);
        return;
      }
      case "value": return print(<Text>{outcome.text}</Text>);
      case "text": return outcome.text ? print(<Text>{outcome.text}</Text>) : undefined;
      case "error": return print(<ErrorView message={outcome.message} source={outcome.source} line={outcome.line} />);
      case "clear": stdout.write("\x1b[2J\x1b[3J\x1b[H"); return setLog([]);
      case "exit": return exit();
    }
  };

  const submit = (text: string) => {
    exitArmed.current = false;
    onHistory(text);
    print(<Text color="blue">{text.split("\n").map((l, i) => `${i ? "        | " : "lakeloop> "}${l}`).join("\n")}</Text>);
    if (text.trim() === ".more") return more();
    const cellId = `cell[${++cells.current}]`;
    let rows: NodeRow[] = [];
    setRunning([]);
    void evaluateCell(session, cellId, text, (e) => { rows = applyEvent(rows, e); setRunning(rows); })
      .then((outcome) => {
        if (outcome.kind !== "error" && outcome.kind !== "exit" && !text.trim().startsWith(".") && !text.trim().startsWith("%%")) language.remember(text);
        setRunning(undefined);
        show(outcome, text, rows);
      });
  };

  const more = () => {
    const s = shown.current;
    if (!s) return print(<Text color="gray">no result to page through yet</Text>);
    const offset = s.offset + PAGE_ROWS;
    if (offset >= s.totalRows) return print(<Text color="gray">{`that was the last page of ${s.name}`}</Text>);
    const page = async () => (offset < s.table.numRows ? s.table : await session.result(s.name));
    void page().then((table) => {
      shown.current = { ...s, table, offset };
      print(<PreviewTable name={s.name} table={table} totalRows={s.totalRows} offset={offset} width={width} />);
    }, (err: Error) => print(<ErrorView message={err.message} source=".more" />));
  };

  const interrupt = (text: string) => {
    if (running) {
      void session.cancel();
      print(<Text color="yellow">cancelling the run…</Text>);
      return;
    }
    if (text === "" && exitArmed.current) return exit();
    exitArmed.current = true;
    print(<Text color="gray">(Ctrl-C again on an empty line, or .exit, to leave)</Text>);
  };

  return (
    <Box flexDirection="column">
      <Static items={log}>{(item) => <Box key={item.id}>{item.element}</Box>}</Static>
      {running ? <DagPanel rows={running} /> : null}
      <Editor
        active={!running}
        history={history}
        onSubmit={submit}
        onInterrupt={interrupt}
        complete={(text, cursor) => completeCell(text, cursor, lakeNamesOf(session), language)}
      />
    </Box>
  );
}

/** The cell line a model error names ("... at cell[3]:4"). */
function lineOf(error: string | undefined): number | undefined {
  const m = error ? /cell\[\d+\]:(\d+)/.exec(error) : null;
  return m ? Number(m[1]) : undefined;
}
