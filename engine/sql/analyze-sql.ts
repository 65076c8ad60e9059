// Reading a SQL model with DuckDB's own parser (json_serialize_sql): which tables and
// models it reads, which columns of each lake table it uses (so its scan fetches only
// those), and which WHERE conjuncts compare one table's column with constants (pushed
// into that table's scan filter; they stay in the SQL too). Also the statement's
// normalized form, so formatting and comments never change a fingerprint.
import { quoteLiteral, type Duck } from "../../columnar/duckdb.js";
import { DefinitionError, type SourceLocation } from "../model/definition.js";
import { parseJsonExact } from "./parse-json-exact.js";

type Node = Record<string, unknown>;

export interface SqlTableRef {
  name: string;
  aliases: Set<string>;
  /** The BASE_TABLE nodes that read it (to rewrite a time-travel reference). */
  nodes: Node[];
  /** Its AT (...) clause, when it reads a snapshot (time-travel.ts). */
  atClause?: Node;
}

export interface ParsedSql {
  ast: Node;
  /** The statement's AST as JSON without source positions. */
  normalized: string;
}

/**
 * Parsed statements by their text: every edit rebuilds the DAG, and most of its SQL
 * models did not change (bounded; the oldest go first). Errors are not kept: they carry
 * the cell location of the definition at hand.
 */
const parsedByText = new Map<string, ParsedSql>();
const PARSES_KEPT = 500;

export async function parseSql(duck: Duck, sql: string, at: SourceLocation): Promise<ParsedSql> {
  const known = parsedByText.get(sql);
  if (known) return known;
  const parsed = await parseSqlText(duck, sql, at);
  if (parsedByText.size >= PARSES_KEPT) parsedByText.delete(parsedByText.keys().next().value!);
  parsedByText.set(sql, parsed);
  return parsed;
}

async function parseSqlText(duck: Duck, sql: string, at: SourceLocation): Promise<ParsedSql> {
  const [row] = await duck.rows(`SELECT json_serialize_sql(${quoteLiteral(sql)}) AS j`);
  const parsed = parseJsonExact(String(row!.j)) as { error: boolean; error_type?: string; error_message?: string; position?: string; statements?: { node: Node }[] };
  if (parsed.error) {
    // DuckDB serializes SELECT statements only: anything else is refused as "not implemented".
    if (parsed.error_type === "not implemented") {
      const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? "this";
      throw new DefinitionError("SQL_NOT_SELECT", `a SQL model is one SELECT query, not a ${verb} statement`, at);
    }
    // The error's character position tells the line within the SQL.
    const position = Number(parsed.position);
    const line = Number.isInteger(position) ? at.line + (sql.slice(0, position).match(/\n/g)?.length ?? 0) : at.line;
    throw new DefinitionError("SQL_SYNTAX", `SQL does not parse: ${parsed.error_message}`, { ...at, line });
  }
  if (!parsed.statements || parsed.statements.length !== 1) throw new DefinitionError("SQL_STATEMENTS", "a SQL model is exactly one SELECT statement", at);
  const ast = parsed.statements[0]!.node;
  if (ast.type !== "SELECT_NODE" && ast.type !== "SET_OPERATION_NODE") throw new DefinitionError("SQL_NOT_SELECT", "a SQL model is a SELECT query", at);
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (k !== "query_location") out[k] = strip(v);
      return out;
    }
    return value;
  };
  return { ast, normalized: JSON.stringify(strip(ast)) };
}

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === "object") {
    visit(node as Node);
    for (const value of Object.values(node)) walk(value, visit);
  }
}

/** Tables the query reads (CTE names excluded), with the aliases used for each; one per table and AT clause. */
export function tableReferences(ast: Node): SqlTableRef[] {
  const ctes = new Set<string>();
  walk(ast, (n) => {
    const map = (n.cte_map as { map?: { key: string }[] } | undefined)?.map;
    map?.forEach((entry) => ctes.add(entry.key.toLowerCase()));
  });
  const refs = new Map<string, SqlTableRef>();
  walk(ast, (n) => {
    if (n.type !== "BASE_TABLE" || typeof n.table_name !== "string") return;
    const name = n.schema_name ? `${n.schema_name}.${n.table_name}` : n.table_name;
    if (!n.schema_name && ctes.has(name.toLowerCase())) return;
    const at = n.at_clause ? n.at_clause as Node : undefined;
    const id = `${name.toLowerCase()}|${at ? JSON.stringify(at, (k, v) => (k === "query_location" ? undefined : v)) : ""}`;
    const ref = refs.get(id) ?? { name, aliases: new Set<string>(), nodes: [], ...(at ? { atClause: at } : {}) };
    ref.aliases.add(String(n.alias || n.table_name).toLowerCase());
    ref.nodes.push(n);
    refs.set(id, ref);
  });
  return [...refs.values()];
}

/** The columns of `table` (given its schema's column names) that the query can read. */
export function columnsUsed(ast: Node, table: SqlTableRef, schemaColumns: string[]): string[] {
  const byLower = new Map(schemaColumns.map((c) => [c.toLowerCase(), c]));
  const used = new Set<string>();
  let all = false;
  walk(ast, (n) => {
    if (n.class === "STAR") {
      const relation = String(n.relation_name ?? "").toLowerCase();
      if (!relation || table.aliases.has(relation)) all = true;
    } else if (n.class === "COLUMN_REF") {
      const names = (n.column_names as string[]).map((s) => s.toLowerCase());
      const column = names.length >= 2 && table.aliases.has(names[names.length - 2]!) ? names.at(-1)! : names.length === 1 ? names[0]! : undefined;
      const real = column !== undefined ? byLower.get(column) : undefined;
      if (real) used.add(real);
    }
  });
  return all ? schemaColumns : schemaColumns.filter((c) => used.has(c));
}

const COMPARISONS: Record<string, string> = {
  COMPARE_EQUAL: "=", COMPARE_NOTEQUAL: "<>", COMPARE_LESSTHAN: "<", COMPARE_GREATERTHAN: ">",
  COMPARE_LESSTHANOREQUALTO: "<=", COMPARE_GREATERTHANOREQUALTO: ">=",
};

/**
 * The digits of an integer constant as parsed by parseJsonExact: a number, a string of
 * digits (beyond 2^53), or a 128-bit { upper, lower } pair (HUGEINT, wide DECIMAL).
 */
function integerDigits(value: unknown): string | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : undefined;
  if (typeof value === "string") return /^-?\d+$/.test(value) ? value : undefined;
  const pair = value as { upper?: unknown; lower?: unknown } | null;
  const upper = integerDigits(pair?.upper), lower = integerDigits(pair?.lower);
  return upper !== undefined && lower !== undefined ? ((BigInt(upper) << 64n) + BigInt(lower)).toString() : undefined;
}

/** "125" at scale 2 is "1.25"; "-5" at scale 2 is "-0.05". */
function decimalText(unscaled: string, scale: number): string | undefined {
  if (!/^-?\d+$/.test(unscaled)) return undefined;
  if (scale === 0) return unscaled;
  const negative = unscaled.startsWith("-");
  const magnitude = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${magnitude.slice(0, -scale)}.${magnitude.slice(-scale)}`;
}

function renderConstant(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  if (n.class === "CAST" && (n.child as Node)?.class === "CONSTANT") {
    const type = (n.cast_type as { id: string }).id;
    const inner = renderConstant(n.child as Node);
    if (inner && (type === "DATE" || type.startsWith("TIMESTAMP")) && inner.startsWith("'")) return `${type === "DATE" ? "DATE" : "TIMESTAMP"} ${inner}`;
    return undefined;
  }
  if (n.class !== "CONSTANT") return undefined;
  const value = n.value as { type: { id: string }; is_null: boolean; value: unknown };
  if (value.is_null) return undefined;
  const id = value.type.id;
  if (id === "VARCHAR") return quoteLiteral(String(value.value));
  if (id === "BOOLEAN") return value.value ? "TRUE" : "FALSE";
  const digits = integerDigits(value.value);
  // DuckDB writes a DECIMAL constant as its unscaled integer (1.25 is 125, scale 2).
  if (id === "DECIMAL") return digits && decimalText(digits, (value.type as { type_info?: { scale?: number } }).type_info?.scale ?? 0);
  if (["INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"].includes(id)) return digits;
  if (id === "DOUBLE" || id === "FLOAT") return typeof value.value === "number" ? String(value.value) : undefined;
  return undefined;
}

/**
 * WHERE conjuncts of the outermost SELECT that test one column of `table` against
 * constants, as filter text — only where pushing them down cannot change the answer
 * (the table read directly or on either side of an inner join).
 */
export function pushdownFilter(ast: Node, table: SqlTableRef): string | undefined {
  if (ast.type !== "SELECT_NODE") return undefined;
  const from = ast.from_table as Node | undefined;
  const sides = (f: Node | undefined): Node[] => !f ? [] : f.type === "BASE_TABLE" ? [f] : f.type === "JOIN" && f.join_type === "INNER" ? [...sides(f.left as Node), ...sides(f.right as Node)] : [];
  const direct = sides(from).filter((t) => String(t.table_name).toLowerCase() === table.name.toLowerCase().split(".").at(-1));
  if (direct.length !== 1 || table.aliases.size !== 1) return undefined;
  const single = from?.type === "BASE_TABLE";
  const column = (n: Node | undefined): string | undefined => {
    if (n?.class !== "COLUMN_REF") return undefined;
    const names = n.column_names as string[];
    if (names.length === 2 && table.aliases.has(names[0]!.toLowerCase())) return names[1];
    return names.length === 1 && single ? names[0] : undefined;
  };
  const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;
  const render = (n: Node): string | undefined => {
    const op = COMPARISONS[String(n.type)];
    if (op) {
      const l = column(n.left as Node), r = renderConstant(n.right as Node);
      if (l && r) return `${quote(l)} ${op} ${r}`;
      const l2 = renderConstant(n.left as Node), r2 = column(n.right as Node);
      if (l2 && r2) return `${l2} ${op} ${quote(r2)}`;
      return undefined;
    }
    if (n.type === "COMPARE_BETWEEN") {
      const c = column(n.input as Node), lo = renderConstant(n.lower as Node), hi = renderConstant(n.upper as Node);
      return c && lo && hi ? `${quote(c)} BETWEEN ${lo} AND ${hi}` : undefined;
    }
    if (n.type === "COMPARE_IN" || n.type === "COMPARE_NOT_IN") {
      const [first, ...rest] = n.children as Node[];
      const c = column(first);
      const values = rest.map(renderConstant);
      return c && values.length && values.every(Boolean) ? `${quote(c)} ${n.type === "COMPARE_NOT_IN" ? "NOT " : ""}IN (${values.join(", ")})` : undefined;
    }
    if (n.type === "OPERATOR_IS_NULL" || n.type === "OPERATOR_IS_NOT_NULL") {
      const c = column((n.children as Node[])[0]);
      return c ? `${quote(c)} IS ${n.type === "OPERATOR_IS_NOT_NULL" ? "NOT " : ""}NULL` : undefined;
    }
    return undefined;
  };
  const where = ast.where_clause as Node | undefined;
  if (!where) return undefined;
  const conjuncts = where.type === "CONJUNCTION_AND" ? (where.children as Node[]) : [where];
  const pushed = conjuncts.map(render).filter((s): s is string => s !== undefined);
  return pushed.length ? pushed.join(" AND ") : undefined;
}
