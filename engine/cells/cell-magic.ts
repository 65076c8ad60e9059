// The cell magics that define models: `%%sql name …` (a SQL model) and `%%expect name …`
// (a SQL expectation). Anything else is a TypeScript cell.
import type { ModelDefinition } from "../model/definition.js";
import { isExpectCell, parseExpectCell } from "./expect-cell.js";
import { isSqlCell, parseSqlCell } from "./sql-cell.js";

/** The definitions of a magic cell, or undefined for a TypeScript cell. */
export function parseMagicCell(cell: string, source: string, bodyLine?: number): ModelDefinition[] | undefined {
  if (isSqlCell(source)) return [parseSqlCell(cell, source, bodyLine)];
  if (isExpectCell(source)) return [parseExpectCell(cell, source, bodyLine)];
  return undefined;
}
