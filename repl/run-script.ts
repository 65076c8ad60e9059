// Piped input (not a terminal): the script runs cell by cell (cells separated by blank
// lines) and prints plain text, so the REPL is scriptable. The exit code is 1 when a
// cell failed.
import type { Table } from "apache-arrow";
import type { Session } from "../engine/session.js";
import { followRun } from "../engine/present/follow-run.js";
import { formatTable } from "../engine/present/format-table.js";
import { summarizeRun } from "../engine/present/run-summary.js";
import { countOf } from "../engine/present/format-count.js";
import { splitScript } from "./cell-input.js";
import { evaluateCell } from "./evaluate.js";
import { blockingFailures, describeExpectations } from "../engine/expect/expectation-results.js";

export async function runScript(session: Session, script: string, out: (text: string) => void): Promise<number> {
  let failed = 0;
  const cells = splitScript(script);
  for (const [i, source] of cells.entries()) {
    out(`lakeloop> ${source.split("\n").join("\n        | ")}\n`);
    const cell = `cell[${i + 1}]`;
    const outcome = await evaluateCell(session, cell, source, followRun((line) => out(line + "\n")));
    switch (outcome.kind) {
      case "run": {
        for (const p of outcome.report.previews) out(tableText(p.name, p.rows, p.table));
        const broken = outcome.report.nodes.filter((n) => n.action === "failed");
        // A model of this cell that failed as it ran: the cell's lines around the one it failed at.
        for (const n of broken) {
          const at = new RegExp(`\\bat ${cell.replace(/[[\]]/g, "\\$&")}:(\\d+)$`).exec(n.error ?? "");
          if (at) out(`${n.name} failed at line ${at[1]}:\n${excerpt(source, Number(at[1]))}`);
        }
        for (const line of describeExpectations(outcome.report)) out(line + "\n");
        out(summarizeRun(outcome.report) + "\n");
        if (broken.length || blockingFailures(outcome.report).length) failed++;
        break;
      }
      case "value": case "text": if (outcome.text) out(outcome.text + "\n"); break;
      case "table": out(tableText(outcome.name, outcome.table.numRows, outcome.table)); break;
      case "error": {
        failed++;
        out(`${outcome.message}\n`);
        if (outcome.line) out(excerpt(source, outcome.line));
        break;
      }
      case "exit": return failed ? 1 : 0;
      case "clear": break;
    }
  }
  return failed ? 1 : 0;
}

/** The cell's lines around `line`, that line marked with ">". */
function excerpt(source: string, line: number): string {
  const lines = source.split("\n");
  let text = "";
  for (let n = Math.max(1, line - 2); n <= Math.min(lines.length, line + 2); n++) text += `${n === line ? ">" : " "} ${n} | ${lines[n - 1]}\n`;
  return text;
}

/** A result as plain text: its name and row count, then its first rows. */
function tableText(name: string, rows: number, table: Table): string {
  return `${name} (${countOf(rows, "row")})\n${formatTable(table)}\n`;
}
