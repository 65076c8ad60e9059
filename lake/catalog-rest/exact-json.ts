// JSON with exact 64-bit integers. Iceberg snapshot ids are random 63-bit numbers that
// JSON.parse would round; a catalog that reads metadata, changes it and writes it back
// must keep them digit for digit. Integers beyond 2^53 become bigints and are written
// back as bare digits; everything else is ordinary JSON.

const MARK = "\u0000exact-int:";

/** JSON.parse, except that integers that a double cannot hold exactly come back as bigint. */
export function parseExactJson(text: string): unknown {
  let out = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      // Skip the string, escapes included.
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))!;
      const literal = match[0];
      if (!match[1] && !match[2] && !Number.isSafeInteger(Number(literal))) {
        out += text.slice(last, i) + JSON.stringify(MARK + literal);
        last = i + literal.length;
      }
      i += literal.length - 1;
    }
  }
  out += text.slice(last);
  return JSON.parse(out, (_key, value: unknown) =>
    typeof value === "string" && value.startsWith(MARK) ? BigInt(value.slice(MARK.length)) : value);
}

/** JSON.stringify that writes bigints as bare integers. */
export function stringifyExactJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? MARK + v.toString() : v), indent);
  return text.replace(/"\\u0000exact-int:(-?\d+)"/g, "$1");
}

/** Two ids equal, whether held as number or bigint. */
export function sameId(a: unknown, b: unknown): boolean {
  const integer = (v: unknown): v is number | bigint => typeof v === "bigint" || Number.isInteger(v);
  return integer(a) && integer(b) && BigInt(a) === BigInt(b);
}
