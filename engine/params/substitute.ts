// Finding `$name` in SQL or in a scan filter and putting each parameter's typed literal
// in its place, before DuckDB's parser (or the filter parser) reads the text. Only
// `$name` outside quotes counts: strings ('…', E'…', $$…$$, $tag$…$tag$), quoted names
// ("…") and comments (-- and /* */, SQL only) are copied as they are, so a `$` in user
// text is never touched and a value is never pasted into a string. `$1` (DuckDB's
// positional parameters) is left alone.

export type Dialect = "sql" | "filter";

export interface ParamUse {
  name: string;
  /** Offset of the `$` in the text. */
  offset: number;
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** The end of a quoted run that starts at `start` with `quote` (doubled quotes escape; E-strings also take backslashes). */
function endOfQuoted(text: string, start: number, quote: string, backslashes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (backslashes && ch === "\\") i += 2;
    else if (ch === quote && text[i + 1] === quote) i += 2;
    else if (ch === quote) return i + 1;
    else i++;
  }
  return text.length; // unterminated: the parser says so, with its own position
}

/** Every `$name` outside quotes and comments, in order. */
export function findParamUses(text: string, dialect: Dialect): ParamUse[] {
  const uses: ParamUse[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"') {
      const escaped = ch === "'" && i > 0 && /[eE]/.test(text[i - 1]!) && !/[A-Za-z0-9_]/.test(text[i - 2] ?? "");
      i = endOfQuoted(text, i, ch, escaped);
    } else if (dialect === "sql" && ch === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? text.length : end;
    } else if (dialect === "sql" && ch === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === "$") {
      NAME.lastIndex = i + 1;
      const name = NAME.exec(text)?.[0];
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
      if (dialect === "sql" && tag) {
        // A dollar-quoted string: everything up to the same tag again.
        const end = text.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? text.length : end + tag[0].length;
      } else if (name && !/[A-Za-z0-9_]/.test(text[i - 1] ?? "")) {
        uses.push({ name, offset: i });
        i += 1 + name.length;
      } else i++;
    } else i++;
  }
  return uses;
}

/** The text with each `$name` replaced by `literal(name)`; also the names used, once each, in order. */
export function substituteParams(text: string, dialect: Dialect, literal: (use: ParamUse) => string): { text: string; used: string[] } {
  const uses = findParamUses(text, dialect);
  if (uses.length === 0) return { text, used: [] };
  let out = "";
  let from = 0;
  for (const use of uses) {
    // A use never touches a word on its left (`x$n` is not one) and its name took every
    // word character on its right, so the literal needs no spaces around it.
    out += text.slice(from, use.offset) + literal(use);
    from = use.offset + 1 + use.name.length;
  }
  return { text: out + text.slice(from), used: [...new Set(uses.map((u) => u.name))] };
}
