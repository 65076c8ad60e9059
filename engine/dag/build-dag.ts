// Building the DAG from every current definition, validated against the catalog:
// inputs resolve to models first, then lake tables; scan columns and filters are
// checked against the table's schema (the schema of the snapshot read: a scan may be
// pinned to a snapshot, a branch or tag, or an instant — time travel); SQL models are
// read with DuckDB's parser. Every problem is a DefinitionError that points at the cell
// or file and line.
import type { Duck } from "../../columnar/duckdb.js";
import type { Catalog } from "../../lake/iceberg/catalog.js";
import { nearestName, shortTableName } from "../../lake/iceberg/names.js";
import type { Table } from "../../lake/iceberg/table.js";
import { FilterError } from "../../lake/filter/errors.js";
import { formatFilter } from "../../lake/filter/format-filter.js";
import { parseFilter } from "../../lake/filter/parse-filter.js";
import { decimalTypeOf } from "../../lake/value-text.js";
import { DefinitionError, type ModelDefinition, type SourceLocation } from "../model/definition.js";
import { columnsUsed, parseSql, pushdownFilter, tableReferences } from "../sql/analyze-sql.js";
import { pinnedInputName, pinOfTableRef, rewriteTableRefs, type SqlPin } from "../sql/time-travel.js";
import { isPrimitive, typeText, type Schema } from "../../lake/schema.js";
import type { Snapshot } from "../../lake/iceberg/types.js";
import { checkMaterializeTargets } from "./check-materialize.js";
import { Graph, type ScanNode } from "./graph.js";

export interface BuildContext {
  catalog: Catalog;
  duck: Duck;
}

export async function buildDag(definitions: ModelDefinition[], ctx: BuildContext): Promise<Graph> {
  const graph = new Graph();
  const byName = new Map<string, ModelDefinition>();
  for (const d of definitions) {
    const previous = byName.get(d.name);
    if (previous) {
      throw new DefinitionError("DUPLICATE_MODEL", `model "${d.name}" is defined twice: here and at ${previous.at.cell}:${previous.at.line}`, d.at);
    }
    byName.set(d.name, d);
  }
  const tables = new Map<string, Table | null>();
  const loadTable = async (name: string): Promise<Table | null> => {
    if (!tables.has(name)) tables.set(name, (await ctx.catalog.tableExists(name).catch(() => false)) ? await ctx.catalog.loadTable(name) : null);
    return tables.get(name)!;
  };
  let knownTables: string[] | undefined;
  const missing = async (name: string, model: string, at: SourceLocation): Promise<never> => {
    knownTables ??= (await ctx.catalog.listTables()).map(shortTableName);
    const candidates = [...byName.keys(), ...knownTables];
    const suggestion = nearestName(name, candidates);
    throw new DefinitionError("MISSING_INPUT", `model "${model}" reads "${name}", which is neither a model nor a lake table` +
      (suggestion ? ` (did you mean "${suggestion}"?)` : "") + (candidates.length ? `; known: ${candidates.join(", ")}` : ""), at);
  };

  /** The snapshot a pin names (the current one without a pin), as a definition error where it is missing. */
  const pinned = (table: Table, pin: Partial<SqlPin> | undefined, at: SourceLocation, model: string): { snapshot: Snapshot | undefined; schema: Schema; explicit: boolean } => {
    try {
      const p = pin as { snapshot?: string; asOf?: string; ref?: string } | undefined;
      const snapshot = p?.snapshot !== undefined ? table.snapshotById(Number(p.snapshot))
        : p?.asOf !== undefined ? table.snapshotAsOf(Date.parse(p.asOf))
        : p?.ref !== undefined ? table.snapshotByRef(p.ref) : table.currentSnapshot();
      const explicit = p?.snapshot !== undefined || p?.asOf !== undefined || p?.ref !== undefined;
      return { snapshot, schema: table.schemaOf(snapshot), explicit };
    } catch (err) {
      throw new DefinitionError((err as { code?: string }).code ?? "SNAPSHOT_NOT_FOUND", `model "${model}": ${(err as Error).message}`, at);
    }
  };

  const scanNode = (table: Table, columns: string[], filterText: string | undefined, at: SourceLocation, model: string, read = pinned(table, undefined, at, model)): ScanNode => {
    const schema = read.schema;
    for (const c of columns) {
      if (!schema.fields.some((f) => f.name === c)) {
        const suggestion = nearestName(c, schema.fields.map((f) => f.name));
        throw new DefinitionError("UNKNOWN_COLUMN", `model "${model}" asks for column "${c}" of table ${table.name}, which has no such column` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : "") + `; columns: ${schema.fields.map((f) => f.name).join(", ")}`, at);
      }
    }
    let filter = null;
    if (filterText?.trim()) {
      try {
        filter = parseFilter(filterText, schema);
      } catch (err) {
        if (err instanceof FilterError) throw new DefinitionError(err.code, `bad filter in model "${model}": ${err.message}`, at);
        throw err;
      }
    }
    const snapshotId = read.snapshot?.["snapshot-id"] ?? null;
    const short = shortTableName(table.name);
    const travel = read.explicit ? `@${snapshotId ?? "empty"}` : "";
    const node: ScanNode = {
      // Keyed by the filter's canonical text: equal filters however written are one scan.
      kind: "scan", key: `scan:${table.name}${travel}|${columns.join(",")}|${filter ? formatFilter(filter.expr) : ""}`,
      name: `${short}${travel}[${columns.join(", ")}]${filter ? " where " + filter.text : ""}`,
      table: table.name, tableUuid: table.metadata["table-uuid"], snapshotId, columns, filter,
    };
    graph.add(node);
    return node;
  };

  for (const d of definitions) {
    if (d.kind === "ts") {
      const inputs: Record<string, string> = {};
      for (const [param, ref] of Object.entries(d.inputs)) {
        if (byName.has(ref.name)) {
          if (ref.columns || ref.filter) {
            throw new DefinitionError("FILTER_ON_MODEL", `input "${param}" of "${d.name}" reads model "${ref.name}": columns and filter apply to lake tables; select inside the model`, d.at);
          }
          inputs[param] = `model:${ref.name}`;
          continue;
        }
        const table = await loadTable(ref.name);
        if (!table) await missing(ref.name, d.name, d.at);
        const read = pinned(table!, ref, d.at, d.name);
        const columns = ref.columns ?? read.schema.fields.map((f) => f.name);
        inputs[param] = scanNode(table!, columns, ref.filter, d.at, d.name, read).key;
      }
      graph.add({ kind: "ts", key: `model:${d.name}`, name: d.name, definition: d, inputs });
    } else {
      const parsed = await parseSql(ctx.duck, d.sql, d.at);
      const inputs: Record<string, string> = {};
      const renames = new Map<Record<string, unknown>, string>();
      for (const ref of tableReferences(parsed.ast)) {
        const pin = ref.atClause ? pinOfTableRef(ref.nodes[0]!, d.at) : undefined;
        if (byName.has(ref.name)) {
          if (pin) throw new DefinitionError("SQL_TIME_TRAVEL", `model "${d.name}" reads model "${ref.name}" AT (...): time travel applies to lake tables`, d.at);
          inputs[ref.name] = `model:${ref.name}`;
          continue;
        }
        const table = await loadTable(ref.name);
        if (!table) await missing(ref.name, d.name, d.at);
        const read = pinned(table!, pin, d.at, d.name);
        const all = read.schema.fields.map((f) => f.name);
        let columns = columnsUsed(parsed.ast, ref, all);
        // count(*) still needs the row count: the first column of a primitive type.
        if (columns.length === 0) columns = [read.schema.fields.find((f) => isPrimitive(f.type))?.name ?? all[0]!];
        refuseNestedInSql(read.schema, columns, table!.name, d.name, d.at);
        // A pushed-down predicate only narrows the scan; one our filter grammar cannot
        // type (say, a string compared with a number) simply stays in the SQL alone.
        let pushed = pushdownFilter(parsed.ast, ref);
        try {
          if (pushed) parseFilter(pushed, table!.schema());
        } catch {
          pushed = undefined;
        }
        const input = pin ? pinnedInputName(ref.name, read.snapshot?.["snapshot-id"] ?? null) : ref.name;
        if (pin) for (const node of ref.nodes) renames.set(node, input);
        inputs[input] = scanNode(table!, columns, pushed, d.at, d.name, read).key;
      }
      const query = renames.size ? rewriteTableRefs(d.sql, renames) : undefined;
      graph.add({ kind: "sql", key: `model:${d.name}`, name: d.name, definition: d, inputs, normalized: parsed.normalized, ...(query ? { query } : {}) });
    }
  }
  const cycle = graph.findCycle();
  if (cycle) {
    const first = byName.get(cycle[0]!)!;
    throw new DefinitionError("CYCLE", `models read each other in a cycle: ${cycle.join(" -> ")}`, first.at);
  }
  checkMaterializeTargets(graph, definitions);
  return graph;
}

/**
 * SQL nodes hand DuckDB flat columns (the bridge and the appender take primitive
 * types): a query reading a struct, list or map column is refused, naming the column
 * and the way around it.
 */
function refuseNestedInSql(schema: Schema, columns: string[], table: string, model: string, at: SourceLocation): void {
  for (const name of columns) {
    const field = schema.fields.find((f) => f.name === name);
    if (field && !isPrimitive(field.type)) {
      throw new DefinitionError("SQL_NESTED_COLUMN", `SQL model "${model}" reads column "${name}" of table ${table}, a ${typeText(field.type)}; ` +
        `SQL reads columns of primitive types: select only the others, or flatten it in a TypeScript model first ` +
        `(model("${shortTableName(table)}_flat", { t: Model("${shortTableName(table)}") }, ({ t }) => ...)) and query that`, at);
    }
  }
}
