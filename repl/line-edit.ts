// Editing a cell's text at a cursor, readline's way: character, word and line moves,
// Up/Down between lines (undefined at the first/last line, where history takes over),
// and kills that hand back what they removed (for Ctrl-Y). Pure functions over
// { text, cursor }; the cursor is a UTF-16 index never left inside a surrogate pair.

export interface Edit {
  text: string;
  cursor: number;
}

export interface Killed {
  edit: Edit;
  killed: string;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_$]/u.test(ch);
const isBlank = (ch: string | undefined) => ch === " " || ch === "\t";

export function lineStart(text: string, at: number): number {
  return text.lastIndexOf("\n", at - 1) + 1;
}

export function lineEnd(text: string, at: number): number {
  const end = text.indexOf("\n", at);
  return end < 0 ? text.length : end;
}

/** The cursor's line (0-based) and column. */
export function cursorPlace(b: Edit): { line: number; column: number } {
  const before = b.text.slice(0, b.cursor);
  const line = before.split("\n").length - 1;
  return { line, column: b.cursor - lineStart(b.text, b.cursor) };
}

/** The character width (1 or 2 UTF-16 units) before and after `at`. */
const unitsBefore = (text: string, at: number) => (at >= 2 && /[\uDC00-\uDFFF]/.test(text[at - 1]!) && /[\uD800-\uDBFF]/.test(text[at - 2]!) ? 2 : 1);
const unitsAfter = (text: string, at: number) => (/[\uD800-\uDBFF]/.test(text[at] ?? "") && /[\uDC00-\uDFFF]/.test(text[at + 1] ?? "") ? 2 : 1);

export function insert(b: Edit, s: string): Edit {
  return { text: b.text.slice(0, b.cursor) + s + b.text.slice(b.cursor), cursor: b.cursor + s.length };
}

export function left(b: Edit): Edit {
  return b.cursor === 0 ? b : { ...b, cursor: b.cursor - unitsBefore(b.text, b.cursor) };
}

export function right(b: Edit): Edit {
  return b.cursor >= b.text.length ? b : { ...b, cursor: b.cursor + unitsAfter(b.text, b.cursor) };
}

export function home(b: Edit): Edit {
  return { ...b, cursor: lineStart(b.text, b.cursor) };
}

export function end(b: Edit): Edit {
  return { ...b, cursor: lineEnd(b.text, b.cursor) };
}

/** The start of the word before the cursor (words: letters, digits, _ and $). */
function wordStartBefore(text: string, at: number): number {
  let i = at;
  while (i > 0 && !isWordChar(text[i - 1])) i--;
  while (i > 0 && isWordChar(text[i - 1])) i--;
  return i;
}

/** The end of the word after the cursor. */
function wordEndAfter(text: string, at: number): number {
  let i = at;
  while (i < text.length && !isWordChar(text[i])) i++;
  while (i < text.length && isWordChar(text[i])) i++;
  return i;
}

export function wordLeft(b: Edit): Edit {
  return { ...b, cursor: wordStartBefore(b.text, b.cursor) };
}

export function wordRight(b: Edit): Edit {
  return { ...b, cursor: wordEndAfter(b.text, b.cursor) };
}

/** The same column on the line above; undefined on the first line. */
export function up(b: Edit): Edit | undefined {
  const start = lineStart(b.text, b.cursor);
  if (start === 0) return undefined;
  const column = b.cursor - start;
  const prevStart = lineStart(b.text, start - 1);
  return { ...b, cursor: Math.min(prevStart + column, start - 1) };
}

/** The same column on the line below; undefined on the last line. */
export function down(b: Edit): Edit | undefined {
  const stop = lineEnd(b.text, b.cursor);
  if (stop === b.text.length) return undefined;
  const column = b.cursor - lineStart(b.text, b.cursor);
  return { ...b, cursor: Math.min(stop + 1 + column, lineEnd(b.text, stop + 1)) };
}

/** Removes [from, to) and puts the cursor at `from`. */
function cut(b: Edit, from: number, to: number): Killed {
  return { edit: { text: b.text.slice(0, from) + b.text.slice(to), cursor: from }, killed: b.text.slice(from, to) };
}

export function backspace(b: Edit): Edit {
  return b.cursor === 0 ? b : cut(b, b.cursor - unitsBefore(b.text, b.cursor), b.cursor).edit;
}

export function deleteForward(b: Edit): Edit {
  return b.cursor >= b.text.length ? b : cut(b, b.cursor, b.cursor + unitsAfter(b.text, b.cursor)).edit;
}

/** Ctrl-U: from the start of the line to the cursor. */
export function killToLineStart(b: Edit): Killed {
  return cut(b, lineStart(b.text, b.cursor), b.cursor);
}

/** Ctrl-K: from the cursor to the end of the line; at the end, the line break (joining lines). */
export function killToLineEnd(b: Edit): Killed {
  const stop = lineEnd(b.text, b.cursor);
  return cut(b, b.cursor, stop === b.cursor ? Math.min(b.text.length, stop + 1) : stop);
}

/** Ctrl-W: back to the previous blank on the line (readline's unix-word-rubout). */
export function killBlankWordBack(b: Edit): Killed {
  const start = lineStart(b.text, b.cursor);
  if (b.cursor === start) return cut(b, Math.max(0, b.cursor - 1), b.cursor);
  let i = b.cursor;
  while (i > start && isBlank(b.text[i - 1])) i--;
  while (i > start && !isBlank(b.text[i - 1])) i--;
  return cut(b, i, b.cursor);
}

/** Alt-Backspace: back to the start of the word. */
export function killWordBack(b: Edit): Killed {
  return cut(b, wordStartBefore(b.text, b.cursor), b.cursor);
}

/** Alt-D: forward to the end of the word. */
export function killWordForward(b: Edit): Killed {
  return cut(b, b.cursor, wordEndAfter(b.text, b.cursor));
}
