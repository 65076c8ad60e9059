// Building the DAG from every current definition, validated against the catalog:
// inputs resolve to models first, then lake tables; scan columns and filters are
// checked against the table's schema; SQL models are read with DuckDB's parser. Every
// problem is a DefinitionError that points at the cell or file and line.
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
import { bindFunction, bindText } from "../params/bind-params.js";
import type { ResolvedParameters } from "../params/parameter-set.js";
import { checkOf, refuseReadingExpectation } from "../expect/check-of.js";
import { checkMaterializeTargets } from "./check-materialize.js";
import { Graph, type ScanNode } from "./graph.js";

export interface BuildContext {
  catalog: Catalog;
  duck: Duck;
  /** The session's parameters with their values in effect (none declared when absent). */
  params?: ResolvedParameters;
}

export async function buildDag(definitions: ModelDefinition[], ctx: BuildContext): Promise<Graph> {
  const graph = new Graph();
  const params: ResolvedParameters = ctx.params ?? new Map();
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

  const scanNode = (table: Table, columns: string[], filterText: string | undefined, at: SourceLocation, model: string): ScanNode => {
    const schema = table.schema();
    for (const c of columns) {
      if (!schema.fields.some((f) => f.name === c)) {
        const suggestion = nearestName(c, schema.fields.map((f) => f.name));
        throw new DefinitionError("UNKNOWN_COLUMN", `model "${model}" asks for column "${c}" of table ${table.name}, which has no such column` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : "") + `; columns: ${schema.fields.map((f) => f.name).join(", ")}`, at);
      }
    }
    let filter = null;
    if (filterText?.trim()) {
      // Parameters become literals first: the scan (and its key) is that of the values.
      const bound = bindText(filterText, "filter", params, `the filter of model "${model}"`, at).text;
      try {
        filter = parseFilter(bound, schema);
      } catch (err) {
        if (err instanceof FilterError) throw new DefinitionError(err.code, `bad filter in model "${model}": ${err.message}`, at);
        throw err;
      }
    }
    const snapshotId = table.currentSnapshot()?.["snapshot-id"] ?? null;
    const short = shortTableName(table.name);
    const node: ScanNode = {
      // Keyed by the filter's canonical text: equal filters however written are one scan.
      kind: "scan", key: `scan:${table.name}|${columns.join(",")}|${filter ? formatFilter(filter.expr) : ""}`,
      name: `${short}[${columns.join(", ")}]${filter ? " where " + filter.text : ""}`,
      table: table.name, tableUuid: table.metadata["table-uuid"], snapshotId, columns, filter,
    };
    graph.add(node);
    return node;
  };

  for (const d of definitions) {
    if (d.kind === "ts") {
      const inputs: Record<string, string> = {};
      for (const [param, ref] of Object.entries(d.inputs)) {
        refuseReadingExpectation(byName.get(ref.name), d);
        if (byName.has(ref.name)) {
          if (ref.columns || ref.filter) {
            throw new DefinitionError("FILTER_ON_MODEL", `input "${param}" of "${d.name}" reads model "${ref.name}": columns and filter apply to lake tables; select inside the model`, d.at);
          }
          inputs[param] = `model:${ref.name}`;
          continue;
        }
        const table = await loadTable(ref.name);
        if (!table) await missing(ref.name, d.name, d.at);
        const columns = ref.columns ?? table!.schema().fields.map((f) => f.name);
        inputs[param] = scanNode(table!, columns, ref.filter, d.at, d.name).key;
      }
      const used = bindFunction(d.source, params, `model "${d.name}"`, d.at);
      const check = checkOf(d, inputs);
      graph.add({ kind: "ts", key: `model:${d.name}`, name: d.name, definition: d, inputs, ...(Object.keys(used).length ? { params: used } : {}), ...(check ? { check } : {}) });
    } else {
      // The code is the query as written ($name a placeholder: DuckDB parses it as one);
      // what runs, and what the scans are planned from, is the query with values bound.
      const written = await parseSql(ctx.duck, d.sql, d.at);
      const bound = bindText(d.sql, "sql", params, `model "${d.name}"`, d.at);
      const used = Object.keys(bound.used).length ? bound.used : undefined;
      const parsed = used ? await parseSql(ctx.duck, bound.text, d.at) : written;
      const inputs: Record<string, string> = {};
      for (const ref of tableReferences(parsed.ast)) {
        refuseReadingExpectation(byName.get(ref.name), d);
        if (byName.has(ref.name)) {
          inputs[ref.name] = `model:${ref.name}`;
          continue;
        }
        const table = await loadTable(ref.name);
        if (!table) await missing(ref.name, d.name, d.at);
        const all = table!.schema().fields.map((f) => f.name);
        let columns = columnsUsed(parsed.ast, ref, all);
        if (columns.length === 0) columns = [all[0]!]; // count(*) still needs the row count
        // A pushed-down predicate only narrows the scan; one our filter grammar cannot
        // type (say, a string compared with a number) simply stays in the SQL alone.
        let pushed = pushdownFilter(parsed.ast, ref);
        try {
          if (pushed) parseFilter(pushed, table!.schema());
        } catch {
          pushed = undefined;
        }
        inputs[ref.name] = scanNode(table!, columns, pushed, d.at, d.name).key;
      }
      const check = checkOf(d, inputs);
      graph.add({ kind: "sql", key: `model:${d.name}`, name: d.name, definition: d, inputs, normalized: written.normalized, sql: bound.text, ...(used ? { params: used } : {}), ...(check ? { check } : {}) });
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
