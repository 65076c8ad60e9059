// JSON.parse that loses no number: DuckDB's json_serialize_sql writes a BIGINT constant
// as a bare JSON number (1234567890123456789), which JSON.parse rounds to a double, and
// writes Infinity and NaN, which JSON does not allow. Such numbers become strings of
// their exact digits before parsing; every other number stays a number.

const NUMBER = /-?(?:Infinity|NaN|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/y;

/** Quotes integers beyond 2^53 and the non-JSON Infinity/NaN outside of strings. */
function quoteInexactNumbers(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      // Copy the string through its closing quote, stepping over escapes.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = ch === "-" || ch === "I" || ch === "N" || (ch >= "0" && ch <= "9") ? NUMBER.exec(text) : null;
    if (number) {
      const token = number[0];
      const integer = /^-?\d+$/.test(token);
      const exact = integer ? Number.isSafeInteger(Number(token)) : !/Infinity|NaN/.test(token);
      out += exact ? token : `"${token}"`;
      i += token.length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

export function parseJsonExact(text: string): unknown {
  return JSON.parse(quoteInexactNumbers(text));
}
