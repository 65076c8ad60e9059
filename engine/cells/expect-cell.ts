// A `%%expect name [--model m] [--warn]` cell: the first line names an expectation,
// the rest is a SELECT that returns the offending rows (none: it passes). Without
// --model, the model checked is the one model or table the query reads.
import { DefinitionError, type SqlModelDefinition } from "../model/definition.js";
import { parseSqlCell } from "./sql-cell.js";

const HEADER = /^%%expect\b(.*)$/;

export function isExpectCell(source: string): boolean {
  return /^%%expect\b/.test(source.trimStart());
}

export function parseExpectCell(cell: string, source: string, bodyLine?: number): SqlModelDefinition {
  const all = source.split("\n");
  const headerIndex = Math.max(0, all.findIndex((l) => l.trim() !== ""));
  const at = { cell, line: headerIndex + 1 };
  const words = (HEADER.exec(all[headerIndex]!.trim())?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
  const name = words[0] && !words[0].startsWith("--") ? words.shift()! : undefined;
  if (!name) throw new DefinitionError("BAD_EXPECT_CELL", "an expectation cell starts with '%%expect <name> [--model m] [--warn]'", at);
  let model: string | undefined;
  let severity: "error" | "warn" = "error";
  while (words.length) {
    const flag = words.shift()!;
    const inline = /^--model=(\S+)$/.exec(flag);
    if (inline) model = inline[1];
    else if (flag === "--model" && words[0] && !words[0].startsWith("--")) model = words.shift();
    else if (flag === "--warn") severity = "warn";
    else throw new DefinitionError("BAD_EXPECT_CELL", `unknown option ${flag} in '%%expect ${name}' (use --model m, --warn)`, at);
  }
  // The rest is a SQL model's cell: the same name rules, body and line numbering.
  const definition = parseSqlCell(cell, [...all.slice(0, headerIndex), `%%sql ${name}`, ...all.slice(headerIndex + 1)].join("\n"), bodyLine);
  return { ...definition, expect: { ...(model ? { model } : {}), severity } };
}
