// Mapping a line of transpiled cell code back to the cell's own line, from the
// transpiler's source map (the "mappings" VLQ segments): errors and model locations
// must point at what the user wrote, whatever the transpiler did with blank lines.
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >> 1) : value >> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** For each generated line (0-based), the original line (0-based) of its first mapping. */
export function lineMapOf(mappings: string): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let originalLine = 0;
  for (const line of mappings.split(";")) {
    let first: number | undefined;
    for (const segment of line.split(",").filter(Boolean)) {
      const fields = decodeVlq(segment);
      if (fields.length >= 3) {
        originalLine += fields[2]!;
        first ??= originalLine;
      }
    }
    out.push(first);
  }
  return out;
}
