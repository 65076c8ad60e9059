// When Enter runs the input and when it adds a line: a `.command` or `%magic` line runs;
// a `%%sql` cell runs on an empty last line (SQL has no brackets to balance); TypeScript
// runs when it is complete by the kernel's own rule (an invalid cell runs too, to show
// its error).
import { cellCompleteness } from "../kernel/is-complete.js";

export function shouldRun(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === "") return false;
  if (/^[.%](?!%)/.test(trimmed) && !trimmed.includes("\n")) return true;
  if (/^%%sql\b/.test(trimmed)) return text.endsWith("\n") || /;\s*$/.test(trimmed);
  return cellCompleteness(text) !== "incomplete";
}

/** Cells of a script (piped input): separated by blank lines, SQL cells included. */
export function splitScript(script: string): string[] {
  const cells: string[] = [];
  let current: string[] = [];
  const flush = () => {
    const text = current.join("\n").trim();
    if (text) cells.push(text);
    current = [];
  };
  for (const line of script.split(/\r?\n/)) {
    if (line.trim() === "") {
      // A blank line ends a cell unless the TypeScript so far is still open.
      const text = current.join("\n");
      if (/^\s*%%sql/.test(text) || cellCompleteness(text) !== "incomplete") flush();
      else current.push(line);
    } else current.push(line);
  }
  flush();
  return cells;
}
