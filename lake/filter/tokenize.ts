// Splitting filter text into tokens that remember where they stand in the text, so
// every later error can point at the exact characters.
import { FilterError } from "./errors.js";

export type TokenKind = "ident" | "number" | "string" | "op" | "punct" | "keyword" | "end";

export interface Token {
  kind: TokenKind;
  /** Keywords are upper-cased; quoted identifiers and strings are unquoted. */
  value: string;
  start: number;
  end: number;
}

const KEYWORDS = new Set(["AND", "OR", "NOT", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE", "DATE", "TIMESTAMP"]);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    const start = i;
    if (ch === "'" || ch === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError("FILTER_SYNTAX", `unterminated ${ch === "'" ? "string" : "quoted name"} in filter`, text, start, text.length);
        if (text[i] === ch) {
          if (text[i + 1] === ch) { value += ch; i += 2; continue; }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: ch === "'" ? "string" : "ident", value, start, end: i });
    } else if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(text[i + 1] ?? ""))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: "number", value: m[0], start, end: i });
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      i += m[0].length;
      const upper = m[0].toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { kind: "keyword", value: upper, start, end: i } : { kind: "ident", value: m[0], start, end: i });
    } else if (/[<>=!]/.test(ch)) {
      const two = text.slice(i, i + 2);
      const op = ["<=", ">=", "<>", "!="].includes(two) ? two : ch;
      if (op === "!") throw new FilterError("FILTER_SYNTAX", `unexpected '!' in filter (use != or NOT)`, text, start, start + 1);
      i += op.length;
      tokens.push({ kind: "op", value: op, start, end: i });
    } else if ("(),-+".includes(ch)) {
      i++;
      tokens.push({ kind: "punct", value: ch, start, end: i });
    } else {
      throw new FilterError("FILTER_SYNTAX", `unexpected character '${ch}' in filter`, text, start, start + 1);
    }
  }
  tokens.push({ kind: "end", value: "", start: text.length, end: text.length });
  return tokens;
}
