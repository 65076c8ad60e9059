// What a failed cell shows in a notebook: the error's name and message, where it was in
// the user's own cell (cell and line, with that line of the cell), never a stack of
// lakeloop's or Node's internals; a run stopped by an interrupt shows one plain
// "cancelled" line.
import { cellErrorOf } from "../engine/cells/cell-error.js";
import type { NodeReport } from "../engine/session.js";

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** The source of a cell by its name (cell[3]), when the kernel still has it. */
export type CellSource = (cell: string) => string | undefined;

/** "    at cell[3], line 6" and, when the cell is known, that line of it. */
function whereLines(cell: string, line: number, sourceOf: CellSource): string[] {
  const text = sourceOf(cell)?.split("\n")[line - 1];
  return [`    at ${cell}, line ${line}`, ...(text === undefined ? [] : [`    ${line} | ${text.trim()}`])];
}

/** A cell's failure: what the cell threw, and where in the cell. */
export function cellErrorContent(err: unknown, sourceOf: CellSource): ErrorContent {
  const e = cellErrorOf(err);
  const where = e.at && e.name !== "DefinitionError" ? whereLines(e.at.cell, e.at.line, sourceOf) : [];
  return { ename: e.name, evalue: e.message, traceback: [`${e.name}: ${e.message}`, ...where] };
}

/**
 * A run's failed and cancelled nodes as one error. A model's error ends in "\n    at cell[3]:6" (the
 * session maps the model's stack to its cell line); that becomes the cell and line.
 */
export function runErrorContent(failed: NodeReport[], sourceOf: CellSource): ErrorContent {
  const cancelled = failed.filter((n) => n.action === "cancelled").map((n) => n.name);
  const broken = failed.filter((n) => n.action !== "cancelled");
  if (broken.length === 0) {
    return { ename: "Cancelled", evalue: `cancelled: ${cancelled.join(", ")}`, traceback: [`cancelled: ${cancelled.join(", ")}`] };
  }
  const messages: string[] = [];
  const traceback: string[] = [];
  for (const n of broken) {
    const at = /\n\s+at (\S+):(\d+)$/.exec(n.error ?? "");
    const message = at ? n.error!.slice(0, at.index) : n.error ?? `${n.name} failed`;
    messages.push(message);
    traceback.push(`ModelError: ${message}`, ...(at ? whereLines(at[1]!, Number(at[2]), sourceOf) : []));
  }
  if (cancelled.length) traceback.push(`cancelled: ${cancelled.join(", ")}`);
  return { ename: "ModelError", evalue: messages.join("\n"), traceback };
}
