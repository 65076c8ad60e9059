// `lakeloop query "SQL"`: ad hoc SQL over lake tables, through the same planner and
// worker as models (so it reads only the columns it uses, through the cache).
import { Table } from "apache-arrow";
import { parseCommandArgs, parsePositiveInt } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { formatCell, jsonOfCell } from "../format-value.js";
import { formatTable } from "../render-run.js";

// The engine (and the TypeScript compiler it carries) loads only when the command runs.
const loadEngine = () => import("../../engine/session.js");

const csvField = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function formatCsv(table: Table): string {
  const columns = table.schema.fields.map((_, i) => table.getChildAt(i)!);
  const lines = [table.schema.fields.map((f) => csvField(f.name)).join(",")];
  for (let row = 0; row < table.numRows; row++) lines.push(columns.map((c) => csvField(formatCell(c, row, "exact") ?? "")).join(","));
  return lines.join("\n") + "\n";
}

function formatJson(table: Table): string {
  const names = table.schema.fields.map((f) => JSON.stringify(f.name));
  const columns = table.schema.fields.map((_, i) => table.getChildAt(i)!);
  const rows = Array.from({ length: table.numRows }, (_, row) => `  {${columns.map((c, i) => `${names[i]}: ${jsonOfCell(c, row)}`).join(", ")}}`);
  return rows.length ? `[\n${rows.join(",\n")}\n]\n` : "[]\n";
}

/** --snapshot ID or --as-of TIME, checked before the lake is touched. */
function timeTravelOf(snapshot: string | undefined, asOf: string | undefined): { snapshot: string } | { asOf: string } | undefined {
  if (snapshot !== undefined && asOf !== undefined) throw new UsageError("choose --snapshot or --as-of, not both");
  if (snapshot !== undefined) {
    if (!/^\d+$/.test(snapshot)) throw new UsageError(`--snapshot needs a snapshot id (digits, as lakeloop describe lists them), not '${snapshot}'`);
    return { snapshot };
  }
  if (asOf !== undefined) {
    const ms = Date.parse(asOf);
    if (!Number.isFinite(ms)) throw new UsageError(`--as-of needs an instant such as 2023-06-01T00:00:00Z, not '${asOf}'`);
    return { asOf: new Date(ms).toISOString() };
  }
  return undefined;
}

/** The query with every table read at the pinned snapshot or instant. */
async function pinQuery(sql: string, pin: { snapshot: string } | { asOf: string }): Promise<string> {
  const [{ Duck }, { pinQueryTables }] = await Promise.all([import("../../columnar/duckdb.js"), import("../../engine/sql/time-travel.js")]);
  const duck = await Duck.open({ threads: 1 });
  try {
    return await pinQueryTables(duck, sql, pin);
  } catch (err) {
    if ((err as { code?: string }).code === "SQL_NOT_SELECT") throw new UsageError(`query runs read-only SELECT statements: ${(err as Error).message.replace(/^.*a SQL model is one SELECT query, /, "")}`);
    throw err;
  } finally {
    duck.close();
  }
}

export const queryCommand: Command = {
  name: "query",
  lake: "reads",
  summary: "run ad hoc SQL over lake tables (read-only SELECT)",
  usage: `Usage: lakeloop query "SELECT ..." [--json | --csv] [--limit N] [--branch NAME] [--snapshot ID | --as-of TIME]

Runs one read-only SELECT statement (tables change through import, drop, rollback and
materialized models). Tables are referred to by name (transactions, or namespace.table).
The query is planned like a SQL model: only the columns it uses are scanned, through
the cache.

  --json    rows as a JSON array; longs and decimals are JSON numbers with every digit
            (JavaScript's JSON.parse rounds integers beyond 2^53: use a reader that keeps them)
  --csv     rows as CSV with a header
  --limit   rows to print as a table (default 50; --json and --csv print all)
  --branch    read the tables as branch (or tag) NAME has them (default main)
  --snapshot  read the tables at this snapshot id (see lakeloop describe)
  --as-of     read the tables as they were at this instant (2023-06-01T00:00:00Z)

In the SQL itself a table can be read at a snapshot with DuckDB's AT clause:
  FROM t AT (VERSION => 123)   FROM t AT (VERSION => 'tag')   FROM t AT (TIMESTAMP => '2023-06-01')

Dates print as 2023-01-04, timestamps as 2023-01-01T00:00:12.148082 (with a Z for
timestamptz, an instant in UTC).`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("query", ctx.args, {
      json: { type: "boolean" }, csv: { type: "boolean" }, limit: { type: "string" }, snapshot: { type: "string" }, "as-of": { type: "string" }, branch: { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError('query needs one SQL string: lakeloop query "SELECT ..."');
    if (values.json && values.csv) throw new UsageError("choose --json or --csv, not both");
    const pin = timeTravelOf(values.snapshot, values["as-of"]);
    const limit = parsePositiveInt("limit", values.limit, 50);
    const { Session } = await loadEngine();
    const session = await Session.open({ lake: (await ctx.openLake()).root, env: ctx.env, branch: values.branch });
    try {
      // The %%sql header is ours: the query's first line is line 1.
      const sql = pin ? await pinQuery(positionals[0]!, pin) : positionals[0]!;
      await session.applyCell("query", `%%sql query\n${sql}`, { sqlBodyLine: 1 });
      const report = await session.run(["query"]).catch((err: Error & { code?: string }) => {
        if (err.code === "SQL_NOT_SELECT") throw new UsageError(`query runs read-only SELECT statements: ${err.message.replace(/^.*a SQL model is one SELECT query, /, "")}`);
        throw err;
      });
      const failed = report.nodes.find((n) => n.action === "failed");
      if (failed) throw Object.assign(new Error(failed.error ?? "the query failed"), { code: "QUERY_FAILED" });
      const parts = await session.fetch("query", report.planned);
      const table = parts.length ? new Table(parts[0]!.schema, parts.flatMap((p) => p.batches)) : new Table();
      if (values.json) ctx.stdout.write(formatJson(table));
      else if (values.csv) ctx.stdout.write(formatCsv(table));
      else ctx.stdout.write(`${formatTable(table, limit)}\n(${table.numRows.toLocaleString("en-US")} rows${table.numRows > limit ? `, ${limit} shown` : ""})\n`);
      return 0;
    } finally {
      await session.close();
    }
  },
};
