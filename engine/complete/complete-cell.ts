// Completion for a cell, whichever front end asks: lakeloop names where a table, model
// or column is expected (Model arguments, filters, `%%sql` and `%%expect` bodies), the TypeScript
// language service everywhere else in TypeScript code.
import type { CellLanguage } from "./ts-language.js";
import { nameContextAt } from "./name-context.js";
import { shortTableName } from "../../lake/iceberg/names.js";

/** Where the names come from: the catalog and the session's definitions. */
export interface LakeNames {
  tables(): Promise<string[]>;
  models(): string[];
  /** The columns of a table (empty for a model or an unknown name). */
  columns(table: string): Promise<string[]>;
}

export interface CellCompletion {
  matches: string[];
  /** The UTF-16 range of the source the chosen match replaces. */
  start: number;
  end: number;
}

const SQL_KEYWORDS = ["SELECT", "FROM", "WHERE", "GROUP BY", "ORDER BY", "HAVING", "LIMIT", "JOIN", "LEFT JOIN", "ON", "AS", "AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "DISTINCT", "COUNT", "SUM", "AVG", "MIN", "MAX", "CASE", "WHEN", "THEN", "ELSE", "END", "WITH", "UNION ALL", "DESC", "ASC"];

export async function completeCell(source: string, index: number, names: LakeNames, language: CellLanguage): Promise<CellCompletion> {
  if (/^\s*%%(sql|expect)\b/.test(source)) return completeSql(source, index, names);
  const context = nameContextAt(source, index);
  if (context.kind === "source") {
    const candidates = [...names.models(), ...(await names.tables())];
    return { matches: startingWith(candidates, context.word), start: context.start, end: index };
  }
  if (context.kind === "column") {
    return { matches: startingWith(await names.columns(context.table), context.word), start: context.start, end: index };
  }
  const word = /[A-Za-z_$][\w$]*$/.exec(source.slice(0, index))?.[0] ?? "";
  const matches = language.completions(source, index).map((c) => c.name);
  return { matches: startingWith(matches, word, true), start: index - word.length, end: index };
}

async function completeSql(source: string, index: number, names: LakeNames): Promise<CellCompletion> {
  const firstLineEnd = source.indexOf("\n");
  const word = /[A-Za-z_]\w*$/.exec(source.slice(0, index))?.[0] ?? "";
  if (firstLineEnd < 0 || index <= firstLineEnd) return { matches: [], start: index, end: index };
  const tables = await names.tables();
  const models = names.models();
  // Columns of the tables this query names, so `SELECT cou|` offers `country`.
  const body = source.slice(firstLineEnd);
  const used = tables.filter((t) => new RegExp(`\\b${shortTableName(t)}\\b`).test(body));
  const columns = (await Promise.all(used.map((t) => names.columns(t)))).flat();
  const keywords = word && word === word.toUpperCase() ? SQL_KEYWORDS : SQL_KEYWORDS.map((k) => k.toLowerCase());
  return { matches: startingWith([...columns, ...models, ...tables, ...keywords], word), start: index - word.length, end: index };
}

function startingWith(candidates: string[], word: string, keepOrder = false): string[] {
  const unique = [...new Set(candidates)].filter((c) => c.startsWith(word) && c !== word);
  return keepOrder ? unique : unique.sort();
}
