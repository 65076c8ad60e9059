// A `%%sql name [--materialize[=table]] [--overwrite-input]` cell: the first line names
// the SQL model, the rest is its query.
import { DefinitionError, type SqlModelDefinition } from "../model/definition.js";

const HEADER = /^%%sql(?:\s+(\S+))?((?:\s+--\S+)*)\s*$/;

export function isSqlCell(source: string): boolean {
  return source.trimStart().startsWith("%%sql");
}

/**
 * `bodyLine`: the line number, in what the user wrote, of the line under the header;
 * a caller that wrapped a file or a query in a header of its own passes 1 so that
 * errors point at the user's lines, not the wrapper's.
 */
export function parseSqlCell(cell: string, source: string, bodyLine?: number): SqlModelDefinition {
  const all = source.split("\n");
  const headerIndex = Math.max(0, all.findIndex((l) => l.trim() !== ""));
  const header = HEADER.exec(all[headerIndex]!.trim());
  const at = { cell, line: headerIndex + 1 };
  if (!header || !header[1]) throw new DefinitionError("BAD_SQL_CELL", "a SQL cell starts with '%%sql <model name> [--materialize]'", at);
  const name = header[1];
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new DefinitionError("BAD_NAME", `model name "${name}" must be an identifier (letters, digits, _)`, at);
  let materialize: boolean | string | undefined;
  let overwriteInput = false;
  for (const flag of (header[2] ?? "").trim().split(/\s+/).filter(Boolean)) {
    const m = /^--materialize(?:=(\S+))?$/.exec(flag);
    if (flag === "--overwrite-input") overwriteInput = true;
    else if (m) materialize = m[1] ?? true;
    else throw new DefinitionError("BAD_SQL_CELL", `unknown option ${flag} in '%%sql ${name}' (use --materialize, --materialize=table, --overwrite-input)`, at);
  }
  const body = all.slice(headerIndex + 1);
  const first = body.findIndex((l) => l.trim() !== "");
  const sql = first < 0 ? "" : body.slice(first).join("\n").trimEnd().replace(/;\s*$/, "");
  if (!sql) throw new DefinitionError("BAD_SQL_CELL", `SQL model "${name}" has no query under its %%sql line`, at);
  // The location is the SQL's first line: parsing errors add the line they found within it.
  return { kind: "sql", name, sql, options: { ...(materialize === undefined ? {} : { materialize }), ...(overwriteInput ? { overwriteInput } : {}) }, at: { cell, line: (bodyLine ?? headerIndex + 2) + first } };
}
