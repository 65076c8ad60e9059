// Building the DAG from every current definition, validated against the catalog:
// inputs resolve to models first, then lake tables; scan columns and filters are
// checked against the table's schema (the schema of the snapshot read: a scan may be
// pinned to a snapshot, a branch or tag, or an instant — time travel); SQL models are
// read with DuckDB's parser. Parameters (`$name`) are bound into filters and SQL as
// typed literals before either parser reads them. Every problem is a DefinitionError that points at the cell
// or file and line. A model that
// cannot be planned is kept out of the graph with its error (and so is every model that
// reads it), so one bad definition never stops the others from planning.
import type { Duck } from "../../columnar/duckdb.js";
import type { TableSource } from "../../lake/iceberg/branches/lake-view.js";
import { nearestName, shortTableName } from "../../lake/iceberg/names.js";
import type { Table } from "../../lake/iceberg/table.js";
import { FilterError } from "../../lake/filter/errors.js";
import { formatFilter } from "../../lake/filter/format-filter.js";
import { parseFilter } from "../../lake/filter/parse-filter.js";
import { DefinitionError, type ModelDefinition, type SourceLocation } from "../model/definition.js";
import { columnsUsed, parseSql, pushdownFilter, tableReferences } from "../sql/analyze-sql.js";
import { pinnedInputName, pinOfTableRef, rewriteTableRefs, type SqlPin } from "../sql/time-travel.js";
import { isPrimitive, typeText, type Schema } from "../../lake/schema.js";
import type { Snapshot } from "../../lake/iceberg/types.js";
import { materializeProblem } from "./check-materialize.js";
import { bindFunction, bindText } from "../params/bind-params.js";
import type { ResolvedParameters } from "../params/parameter-set.js";
import { checkOf, refuseReadingExpectation } from "../expect/check-of.js";
import { Graph, modelKey, modelNameOf, type GraphNode, type ScanNode } from "./graph.js";

export interface BuildContext {
  /** The lake's tables as the session's branch has them (or a Catalog: main as stored). */
  catalog: TableSource;
  duck: Duck;
  /** The session's parameters with their values in effect (none declared when absent). */
  params?: ResolvedParameters;
}

export interface BuiltDag {
  /** The models that can be planned, with their scans. */
  graph: Graph;
  /** The models that cannot, each with why (in definition order, then those reading them). */
  broken: Map<string, DefinitionError>;
}

/** The DAG of the models that can be planned, and the errors of those that cannot. */
export async function buildDag(definitions: ModelDefinition[], ctx: BuildContext): Promise<BuiltDag> {
  const broken = new Map<string, DefinitionError>();
  const byName = new Map<string, ModelDefinition>();
  for (const d of definitions) {
    const previous = byName.get(d.name);
    if (previous) {
      broken.set(d.name, new DefinitionError("DUPLICATE_MODEL", `model "${d.name}" is defined twice: here and at ${previous.at.cell}:${previous.at.line}`, d.at));
    } else byName.set(d.name, d);
  }
  const nodes = new NodeMaker(ctx, byName);
  // Each model's node and the scans it adds, kept apart until every model is checked.
  const made = new Map<string, GraphNode[]>();
  for (const d of byName.values()) {
    if (broken.has(d.name)) continue;
    try {
      made.set(d.name, await nodes.make(d));
    } catch (err) {
      if (!(err instanceof DefinitionError)) throw err;
      broken.set(d.name, err);
    }
  }
  for (;;) {
    markReadersOfBroken(made, broken, byName);
    const graph = new Graph();
    for (const [name, list] of made) if (!broken.has(name)) list.forEach((n) => graph.add(n));
    const cycle = graph.findCycle();
    if (cycle) {
      const error = new DefinitionError("CYCLE", `models read each other in a cycle: ${cycle.join(" -> ")}`, byName.get(cycle[0]!)!.at);
      for (const name of cycle) broken.set(name, error);
      continue;
    }
    const overwriting = [...made.keys()].filter((name) => !broken.has(name))
      .map((name) => [name, materializeProblem(graph, byName.get(name)!)] as const).filter(([, error]) => error);
    if (overwriting.length === 0) return { graph, broken };
    for (const [name, error] of overwriting) broken.set(name, error!);
  }
}

/** A model that reads a model that cannot be planned cannot be planned either. */
function markReadersOfBroken(made: Map<string, GraphNode[]>, broken: Map<string, DefinitionError>, byName: Map<string, ModelDefinition>): void {
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, list] of made) {
      const node = list.at(-1)!;
      if (broken.has(name) || node.kind === "scan") continue;
      const input = Object.values(node.inputs).map(modelNameOf).find((k) => k !== undefined && broken.has(k));
      if (input === undefined) continue;
      const cause = broken.get(input)!;
      const where = cause.at ? ` (${cause.at.cell}:${cause.at.line})` : "";
      broken.set(name, new DefinitionError("INPUT_BROKEN", `model "${name}" reads model "${input}", whose definition fails${where}`, byName.get(name)!.at));
      grew = true;
    }
  }
}

/** What a scan reads: the snapshot (none: the table is empty there) and its schema; explicit when the model pinned it. */
interface PinnedRead {
  snapshot: Snapshot | undefined;
  schema: Schema;
  explicit: boolean;
}

/** The nodes of one model: its scans, then the model itself (last). */
class NodeMaker {
  readonly #tables = new Map<string, Table | null>();
  #knownTables: string[] | undefined;

  readonly models: Set<string>;
  readonly #params: ResolvedParameters;

  constructor(readonly ctx: BuildContext, readonly definitions: Map<string, ModelDefinition>) {
    this.models = new Set(definitions.keys());
    this.#params = ctx.params ?? new Map();
  }

  async #loadTable(name: string): Promise<Table | null> {
    if (!this.#tables.has(name)) this.#tables.set(name, (await this.ctx.catalog.tableExists(name).catch(() => false)) ? await this.ctx.catalog.loadTable(name) : null);
    return this.#tables.get(name)!;
  }

  /** A lake table the model reads, or the error that names what there is instead. */
  async #table(name: string, model: string, at: SourceLocation): Promise<Table> {
    const table = await this.#loadTable(name);
    if (table) return table;
    this.#knownTables ??= (await this.ctx.catalog.listTables()).map(shortTableName);
    // The model itself is no answer to what it may read.
    const candidates = [...[...this.models].filter((m) => m !== model), ...this.#knownTables];
    const suggestion = nearestName(name, candidates);
    const lake = this.ctx.catalog.lake;
    throw new DefinitionError("MISSING_INPUT", `model "${model}" reads "${name}", which is neither a model nor a lake table` +
      (suggestion ? ` (did you mean "${suggestion}"?)` : "") +
      (candidates.length ? `; known: ${candidates.join(", ")}; the lake is ${lake}` : `; the lake at ${lake} has no tables yet`), at);
  }

  /** The snapshot a pin names (the current one without a pin), as a definition error where it is missing. */
  #pinned(table: Table, pin: Partial<SqlPin> | undefined, at: SourceLocation, model: string): PinnedRead {
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
  }

  #scan(table: Table, columns: string[], filterText: string | undefined, at: SourceLocation, model: string, read: PinnedRead, filterAt: SourceLocation = at): ScanNode {
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
      // Parameters become literals first: the scan (and its key) is that of the values.
      const bound = bindText(filterText, "filter", this.#params, `the filter of model "${model}"`, filterAt).text;
      try {
        filter = parseFilter(bound, schema);
      } catch (err) {
        if (err instanceof FilterError) throw new DefinitionError(err.code, `bad filter in model "${model}": ${err.message}`, filterAt);
        throw err;
      }
    }
    const snapshotId = read.snapshot?.["snapshot-id"] ?? null;
    const short = shortTableName(table.name);
    const travel = read.explicit ? `@${snapshotId ?? "empty"}` : "";
    return {
      // Keyed by the filter's canonical text: equal filters however written are one scan.
      kind: "scan", key: `scan:${table.name}${travel}|${columns.join(",")}|${filter ? formatFilter(filter.expr) : ""}`,
      name: `${short}${travel}[${columns.join(", ")}]${filter ? " where " + filter.text : ""}`,
      table: table.name, tableUuid: table.metadata["table-uuid"], snapshotId, columns, filter,
    };
  }

  async make(d: ModelDefinition): Promise<GraphNode[]> {
    const scans: ScanNode[] = [];
    const inputs: Record<string, string> = {};
    if (d.kind === "ts") {
      for (const [param, ref] of Object.entries(d.inputs)) {
        refuseReadingExpectation(this.definitions.get(ref.name), d);
        if (this.models.has(ref.name)) {
          if (ref.columns || ref.filter) {
            throw new DefinitionError("FILTER_ON_MODEL", `input "${param}" of "${d.name}" reads model "${ref.name}": columns and filter apply to lake tables; select inside the model`, d.at);
          }
          inputs[param] = modelKey(ref.name);
          continue;
        }
        const table = await this.#table(ref.name, d.name, d.at);
        const read = this.#pinned(table, ref, d.at, d.name);
        const columns = ref.columns ?? read.schema.fields.map((f) => f.name);
        const scan = this.#scan(table, columns, ref.filter, d.at, d.name, read, d.filterAt?.[param]);
        scans.push(scan);
        inputs[param] = scan.key;
      }
      const used = bindFunction(d.source, this.#params, `model "${d.name}"`, d.at);
      const check = checkOf(d, inputs);
      return [...scans, { kind: "ts", key: modelKey(d.name), name: d.name, definition: d, inputs, ...(Object.keys(used).length ? { params: used } : {}), ...(check ? { check } : {}) }];
    }
    // The code is the query as written ($name a placeholder: DuckDB parses it as one);
    // what runs, and what the scans are planned from, is the query with values bound.
    const written = await parseSql(this.ctx.duck, d.sql, d.at);
    const bound = bindText(d.sql, "sql", this.#params, `model "${d.name}"`, d.at);
    const used = Object.keys(bound.used).length ? bound.used : undefined;
    const parsed = used ? await parseSql(this.ctx.duck, bound.text, d.at) : written;
    const renames = new Map<Record<string, unknown>, string>();
    for (const ref of tableReferences(parsed.ast)) {
      const pin = ref.atClause ? pinOfTableRef(ref.nodes[0]!, d.at) : undefined;
      refuseReadingExpectation(this.definitions.get(ref.name), d);
      if (this.models.has(ref.name)) {
        if (pin) throw new DefinitionError("SQL_TIME_TRAVEL", `model "${d.name}" reads model "${ref.name}" AT (...): time travel applies to lake tables`, d.at);
        inputs[ref.name] = modelKey(ref.name);
        continue;
      }
      const table = await this.#table(ref.name, d.name, d.at);
      const read = this.#pinned(table, pin, d.at, d.name);
      const all = read.schema.fields.map((f) => f.name);
      let columns = columnsUsed(parsed.ast, ref, all);
      // count(*) still needs the row count: the first column of a primitive type.
      if (columns.length === 0) columns = [read.schema.fields.find((f) => isPrimitive(f.type))?.name ?? all[0]!];
      refuseNestedInSql(read.schema, columns, table.name, d.name, d.at);
      // A pushed-down predicate only narrows the scan; one our filter grammar cannot
      // type (say, a string compared with a number) simply stays in the SQL alone.
      let pushed = pushdownFilter(parsed.ast, ref);
      try {
        if (pushed) parseFilter(pushed, read.schema);
      } catch {
        pushed = undefined;
      }
      const input = pin ? pinnedInputName(ref.name, read.snapshot?.["snapshot-id"] ?? null) : ref.name;
      // A pinned read, or a table of another namespace ("sales.orders", which DuckDB would
      // take for a schema it does not have), reads its input under one quoted name.
      if (pin || ref.name.includes(".")) for (const node of ref.nodes) renames.set(node, input);
      const scan = this.#scan(table, columns, pushed, d.at, d.name, read);
      scans.push(scan);
      inputs[input] = scan.key;
    }
    const query = renames.size ? rewriteTableRefs(bound.text, renames) : used ? bound.text : undefined;
    const check = checkOf(d, inputs);
    return [...scans, {
      kind: "sql", key: modelKey(d.name), name: d.name, definition: d, inputs, normalized: written.normalized,
      ...(query ? { query } : {}), ...(used ? { params: used } : {}), ...(check ? { check } : {}),
    }];
  }
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
        `(model("${table.split(".").at(-1)}_flat", { t: Model("${shortTableName(table)}") }, ({ t }) => ...)) and query that`, at);
    }
  }
}
