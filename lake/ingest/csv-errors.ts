// Turning DuckDB's long CSV diagnostics into one plain sentence that names the file,
// the line and the column, and finding the first ragged line when the dialect sniffer
// gives up.
import { createReadStream } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";

export function describeCsvError(file: string, message: string): string | undefined {
  const name = path.basename(file);
  const line = /CSV Error on Line: (\d+)/.exec(message)?.[1];
  const convert = /Error when converting column "([^"]+)"\. Could not convert string "([^"]*)" to '([^']+)'/.exec(message);
  if (line && convert) {
    return `${name} line ${line}, column ${convert[1]}: "${convert[2]}" is not a ${convert[3].toLowerCase()} ` +
      `(the column's type was inferred from the first rows)`;
  }
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (line && columns) return `${name} line ${line}: expected ${columns[1]} fields, found ${columns[2]}`;
  if (line) return `${name} line ${line}: ${message.split("\n").find((l) => l.trim() && !l.startsWith("CSV Error"))?.trim() ?? "cannot be read"}`;
  return undefined;
}

/** Counts fields the way a CSV reader would (quotes may hold delimiters). */
export function countFields(line: string, delimiter: string): number {
  let fields = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === delimiter) fields++;
  }
  return fields;
}

/** The first line whose field count differs from the header's, 1-based. */
export async function findRaggedLine(file: string, delimiter = ","): Promise<{ line: number; expected: number; found: number } | undefined> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let expected = -1;
  let n = 0;
  try {
    for await (const text of lines) {
      n++;
      if (text.trim() === "") continue;
      const fields = countFields(text, delimiter);
      if (expected < 0) expected = fields;
      else if (fields !== expected) return { line: n, expected, found: fields };
    }
  } finally {
    lines.close();
  }
  return undefined;
}
