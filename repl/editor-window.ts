// Which lines of a cell the editor shows: all of them when they fit its rows, else a
// window that keeps the cursor's line in view and moves only when the cursor leaves it,
// with a row above and below saying how many lines are hidden. This keeps the editor
// (and so the part of the screen Ink redraws) shorter than the terminal: a taller
// output makes Ink clear the whole screen and scrollback on every key.

/** Lines [from, to) of the cell. */
export interface CellWindow {
  from: number;
  to: number;
}

/** Terminal rows a line takes after a `prefix`-wide prompt, with a cell for the cursor. */
export function rowsOfLine(line: string, prefix: number, columns: number): number {
  return Math.max(1, Math.ceil((prefix + line.length + 1) / Math.max(1, columns)));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** `heights`: rows per line; `top`: the first line shown last time (the window stays put while it can). */
export function windowOf(heights: number[], cursorLine: number, top: number, maxRows: number): CellWindow {
  if (sum(heights) <= maxRows) return { from: 0, to: heights.length };
  const room = Math.max(1, maxRows - 2); // two rows for "↑ n more lines" and "↓ n more lines"
  const fits = (a: number, b: number) => sum(heights.slice(a, b + 1)) <= room;
  let from = Math.min(Math.max(0, top), cursorLine);
  if (!fits(from, cursorLine)) {
    // The cursor went below the window: it becomes the window's last line.
    from = cursorLine;
    while (from > 0 && fits(from - 1, cursorLine)) from--;
  }
  let to = from;
  let used = 0;
  while (to < heights.length && used + heights[to]! <= room) used += heights[to++]!;
  if (to <= cursorLine) to = cursorLine + 1; // one line taller than the room: show it alone
  // At the end of the cell with rows to spare: show more of it above.
  while (from > 0 && to === heights.length && used + heights[from - 1]! <= room) used += heights[--from]!;
  return { from, to };
}
