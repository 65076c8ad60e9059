// One cell through the session, as the REPL (interactive or piped) needs it: a run with
// its report, a value (an Arrow table kept as one, to be shown as a preview), a
// command's text, or an error with where it happened in the cell.
import { inspect } from "node:util";
import { Table } from "apache-arrow";
import type { Session } from "../engine/session.js";
import type { NodeEvent } from "../engine/index.js";
import type { Outcome } from "./outcome.js";
import { runCommand } from "./commands.js";
import { cellErrorOf } from "../engine/cells/cell-error.js";

export async function evaluateCell(session: Session, cellId: string, source: string, onEvent: (e: NodeEvent) => void): Promise<Outcome> {
  const trimmed = source.trim();
  try {
    if (/^[.%](?!%)/.test(trimmed)) return await runCommand(session, trimmed.replace(/^[.%]/, ""), onEvent);
    const { value, report } = await session.runCell(cellId, source, onEvent);
    if (report) return { kind: "run", report };
    if (value instanceof Table) return { kind: "table", name: tableNameOf(source), table: value };
    return value === undefined ? { kind: "text", text: "" } : { kind: "value", text: inspect(value, { depth: 2, colors: false, maxArrayLength: 20 }) };
  } catch (err) {
    const e = cellErrorOf(err);
    return { kind: "error", message: `${e.name}: ${e.message}`, source, line: e.at?.cell === cellId ? e.at.line : undefined };
  }
}

/** `await result("euro")` names its table after the model; any other table is "table". */
function tableNameOf(source: string): string {
  return /^\s*(?:await\s+)?result\(\s*(["'`])(\w+)\1\s*\)\s*;?\s*$/.exec(source)?.[2] ?? "table";
}
