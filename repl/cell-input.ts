// When Enter runs the input and when it adds a line: a `.command` or `%magic` line runs;
// a `%%sql` or `%%expect` cell runs once it has a query and its last line is empty (SQL has no
// brackets to balance) or ends with `;`; TypeScript runs when it is complete by the
// kernel's own rule (an invalid cell runs too, to show its error).
import { cellCompleteness } from "../engine/cells/cell-completeness.js";

export function shouldRun(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === "") return false;
  if (/^[.%](?!%)/.test(trimmed) && !trimmed.includes("\n")) return true;
  if (/^%%(sql|expect)\b/.test(trimmed)) return cellCompleteness(text) === "complete" && (/\n[ \t]*$/.test(text) || /;\s*$/.test(trimmed));
  return cellCompleteness(text) !== "incomplete";
}

/**
 * Cells of a script (piped input): separated by blank lines, unless the cell so far is
 * still open (unbalanced TypeScript, a `%%sql` header with no query yet).
 */
export function splitScript(script: string): string[] {
  const cells: string[] = [];
  let current: string[] = [];
  const flush = () => {
    const text = current.join("\n").trim();
    if (text) cells.push(text);
    current = [];
  };
  for (const line of script.split(/\r?\n/)) {
    if (line.trim() === "" && cellCompleteness(current.join("\n")) !== "incomplete") flush();
    else current.push(line);
  }
  flush();
  return cells;
}
