// A `%%sql name [--materialize[=table]]` cell: the first line names the SQL model, the
// rest is its query.
import { DefinitionError, type SqlModelDefinition } from "../model/definition.js";

const HEADER = /^%%sql(?:\s+(\S+))?((?:\s+--\S+)*)\s*$/;

export function isSqlCell(source: string): boolean {
  return source.trimStart().startsWith("%%sql");
}

export function parseSqlCell(cell: string, source: string): SqlModelDefinition {
  const lines = source.replace(/^\s*\n/, "").split("\n");
  const header = HEADER.exec(lines[0]!.trim());
  const at = { cell, line: 1 };
  if (!header || !header[1]) throw new DefinitionError("BAD_SQL_CELL", "a SQL cell starts with '%%sql <model name> [--materialize]'", at);
  const name = header[1];
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new DefinitionError("BAD_NAME", `model name "${name}" must be an identifier (letters, digits, _)`, at);
  let materialize: boolean | string | undefined;
  for (const flag of (header[2] ?? "").trim().split(/\s+/).filter(Boolean)) {
    const m = /^--materialize(?:=(\S+))?$/.exec(flag);
    if (!m) throw new DefinitionError("BAD_SQL_CELL", `unknown option ${flag} in '%%sql ${name}' (use --materialize or --materialize=table)`, at);
    materialize = m[1] ?? true;
  }
  const sql = lines.slice(1).join("\n").trim().replace(/;\s*$/, "");
  if (!sql) throw new DefinitionError("BAD_SQL_CELL", `SQL model "${name}" has no query under its %%sql line`, at);
  return { kind: "sql", name, sql, options: materialize === undefined ? {} : { materialize }, at: { cell, line: 2 } };
}
