// TypeScript's type errors in a cell, as the warning shown under it before it runs: the
// cell still runs (a notebook is for trying things), but `const n: number = "x"` no
// longer passes in silence.
import type { CellDiagnostic } from "../engine/complete/ts-language.js";

const SHOWN = 5;

/** One line per error ("TypeScript warning, line 1: ..."), at most five; empty when there are none. */
export function typeWarningText(diagnostics: CellDiagnostic[]): string {
  if (diagnostics.length === 0) return "";
  const lines = diagnostics.slice(0, SHOWN).map((d) => `TypeScript warning, line ${d.line}: ${d.message.replace(/\n/g, "\n  ")}`);
  const more = diagnostics.length - SHOWN;
  if (more > 0) lines.push(`… and ${more} more type error${more === 1 ? "" : "s"}`);
  return `${lines.join("\n")}\n`;
}
