// Time travel in SQL, in DuckDB's own syntax so DuckDB's parser reads it:
//   SELECT ... FROM transactions AT (VERSION => 7505300640432048841)   -- a snapshot id
//   SELECT ... FROM transactions AT (VERSION => 'nightly')             -- a branch or tag
//   SELECT ... FROM transactions AT (TIMESTAMP => '2023-06-01T00:00:00Z')
// A table read at a snapshot becomes its own input, named "table@snapshot", and the
// query handed to DuckDB reads that name in place of the AT clause (same alias), so
// one query can read a table at two snapshots. Also the pinning `lakeloop query
// --snapshot/--as-of` does: an AT clause added to every table without one.
import { DefinitionError, type SourceLocation } from "../model/definition.js";

type Node = Record<string, unknown>;

/** A table reference's time travel, as the query spells it. */
export type SqlPin = { snapshot: string } | { ref: string } | { asOf: string };

function constantText(expr: Node | undefined): { value: string; digits: boolean } | undefined {
  if (!expr) return undefined;
  if (expr.class === "CAST") return constantText(expr.child as Node);
  if (expr.class !== "CONSTANT") return undefined;
  const value = expr.value as { is_null: boolean; value: unknown; type: { id: string } };
  if (value.is_null) return undefined;
  const v = value.value as unknown;
  if (typeof v === "string") return { value: v, digits: value.type.id !== "VARCHAR" && /^\d+$/.test(v) };
  if (typeof v === "number" || typeof v === "bigint") return { value: String(v), digits: true };
  // HUGEINT: { upper, lower }.
  const pair = v as { upper?: unknown; lower?: unknown } | null;
  if (pair && pair.upper !== undefined) return { value: ((BigInt(String(pair.upper)) << 64n) + BigInt(String(pair.lower))).toString(), digits: true };
  return undefined;
}

/** The pin of a BASE_TABLE node's AT clause, or undefined when it has none. */
export function pinOfTableRef(node: Node, at: SourceLocation): SqlPin | undefined {
  const clause = node.at_clause as { unit: string; expr: Node } | null | undefined;
  if (!clause) return undefined;
  const constant = constantText(clause.expr);
  const unit = clause.unit.toUpperCase();
  if (!constant) throw new DefinitionError("SQL_TIME_TRAVEL", `AT (${unit} => ...) on table ${String(node.table_name)} needs a constant: a snapshot id, a branch or tag name, or a timestamp`, at);
  if (unit === "VERSION") return constant.digits ? { snapshot: constant.value } : { ref: constant.value };
  if (unit === "TIMESTAMP") {
    if (!Number.isFinite(Date.parse(constant.value))) throw new DefinitionError("SQL_TIME_TRAVEL", `AT (TIMESTAMP => '${constant.value}') on table ${String(node.table_name)} is not an instant; write e.g. '2023-06-01T00:00:00Z'`, at);
    return { asOf: new Date(Date.parse(constant.value)).toISOString() };
  }
  throw new DefinitionError("SQL_TIME_TRAVEL", `AT (${unit} => ...) is not a time travel lakeloop reads; use AT (VERSION => snapshot id or 'branch-or-tag') or AT (TIMESTAMP => '...')`, at);
}

/** Scans SQL text: whitespace, names (dotted, quoted), words. */
class Scanner {
  constructor(readonly text: string, public at: number) {}
  space(): void {
    for (;;) {
      while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
      if (this.text.startsWith("--", this.at)) { while (this.at < this.text.length && this.text[this.at] !== "\n") this.at++; continue; }
      if (this.text.startsWith("/*", this.at)) { const end = this.text.indexOf("*/", this.at + 2); this.at = end < 0 ? this.text.length : end + 2; continue; }
      return;
    }
  }
  ident(): void {
    if (this.text[this.at] === '"') {
      this.at++;
      while (this.at < this.text.length) {
        if (this.text[this.at] === '"' && this.text[this.at + 1] === '"') this.at += 2;
        else if (this.text[this.at] === '"') { this.at++; break; } else this.at++;
      }
    } else while (this.at < this.text.length && /[\p{L}\p{N}_$]/u.test(this.text[this.at]!)) this.at++;
  }
  name(): void {
    this.ident();
    for (;;) {
      const save = this.at;
      this.space();
      if (this.text[this.at] !== ".") { this.at = save; return; }
      this.at++;
      this.space();
      this.ident();
    }
  }
  word(): string {
    const m = /^[A-Za-z_]+/.exec(this.text.slice(this.at));
    return m ? m[0].toUpperCase() : "";
  }
  /** Past a balanced (...) group starting here, quotes respected. */
  group(): void {
    let depth = 0;
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (c === "'") { this.at++; while (this.at < this.text.length && !(this.text[this.at] === "'" && this.text[this.at + 1] !== "'")) this.at += this.text[this.at] === "'" ? 2 : 1; this.at++; continue; }
      this.at++;
      if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return;
    }
  }
}

/** A table reference's text span: from its name to after its alias, and to after its AT clause when it has one. */
export function tableRefSpan(sql: string, node: Node): { start: number; afterAlias: number; end: number } {
  const start = Buffer.from(sql).subarray(0, Number(node.query_location)).toString().length;
  const s = new Scanner(sql, start);
  s.name();
  const alias = String(node.alias ?? "");
  let afterAlias = s.at;
  s.space();
  if (s.word() === "AS") { s.at += 2; s.space(); s.ident(); afterAlias = s.at; s.space(); }
  else if (alias && s.word() !== "AT") { s.ident(); afterAlias = s.at; s.space(); }
  let end = afterAlias;
  if (node.at_clause && s.word() === "AT") {
    s.at += 2;
    s.space();
    s.group();
    end = s.at;
  }
  return { start, afterAlias, end };
}

/** Input name of a table read at a snapshot. */
export const pinnedInputName = (table: string, snapshotId: number | null) => `${table}@${snapshotId ?? "empty"}`;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The query with each table reference given in `renames` (BASE_TABLE node -> input
 * name) reading that name, under its alias (its own name when it had none).
 */
export function rewriteTableRefs(sql: string, renames: Map<Node, string>): string {
  const edits = [...renames].map(([node, input]) => {
    const span = tableRefSpan(sql, node);
    const alias = String(node.alias || node.table_name);
    return { ...span, text: `${quote(input)} AS ${quote(alias)}` };
  }).sort((a, b) => b.start - a.start);
  let out = sql;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The query with `AT (...)` added to each given table reference that has none (lakeloop query --snapshot/--as-of). */
export function addTimeTravel(sql: string, nodes: Node[], clause: string): string {
  const edits = nodes.filter((n) => !n.at_clause).map((n) => tableRefSpan(sql, n).afterAlias).sort((a, b) => b - a);
  let out = sql;
  for (const at of edits) out = `${out.slice(0, at)} AT (${clause})${out.slice(at)}`;
  return out;
}

/**
 * The query of `lakeloop query --snapshot ID / --as-of TIME`: every table it reads
 * without an AT clause of its own read at that snapshot or instant.
 */
export async function pinQueryTables(duck: import("../../columnar/duckdb.js").Duck, sql: string, pin: { snapshot: string } | { asOf: string }): Promise<string> {
  const { parseSql, tableReferences } = await import("./analyze-sql.js");
  const parsed = await parseSql(duck, sql, { cell: "query", line: 1 });
  const nodes = tableReferences(parsed.ast).flatMap((r) => r.nodes);
  const clause = "snapshot" in pin ? `VERSION => ${pin.snapshot}` : `TIMESTAMP => '${pin.asOf}'`;
  return addTimeTravel(sql, nodes, clause);
}
