// `lakeloop query "SQL"`: ad hoc SQL over lake tables, through the same planner and
// worker as models (so it reads only the columns it uses, through the cache).
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { formatTable, formatValue } from "../render-run.js";

// The engine (and the TypeScript compiler it carries) loads only when the command runs.
const loadEngine = () => import("../../engine/session.js");

export const queryCommand: Command = {
  name: "query",
  summary: "run ad hoc SQL over lake tables",
  usage: `Usage: lakeloop query "SELECT ..." [--json | --csv] [--limit N]

Tables are referred to by name (transactions, or namespace.table). The query is
planned like a SQL model: only the columns it uses are scanned, through the cache.

  --json    rows as a JSON array
  --csv     rows as CSV with a header
  --limit   rows to print as a table (default 50; --json and --csv print all)`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("query", ctx.args, { json: { type: "boolean" }, csv: { type: "boolean" }, limit: { type: "string" } });
    if (positionals.length !== 1) throw new UsageError('query needs one SQL string: lakeloop query "SELECT ..."');
    const { Session } = await loadEngine();
    const session = await Session.open({ lake: (await ctx.openLake()).root, env: ctx.env });
    try {
      await session.applyCell("query", `%%sql query\n${positionals[0]}`);
      const report = await session.run(["query"]);
      const failed = report.nodes.find((n) => n.action === "failed");
      if (failed) throw Object.assign(new Error(failed.error ?? "the query failed"), { code: "QUERY_FAILED" });
      const parts = await session.fetch("query", report.planned);
      const names = parts[0]?.schema.fields.map((f) => f.name) ?? [];
      const rows = parts.flatMap((t) => Array.from({ length: t.numRows }, (_, i) => names.map((n) => t.getChild(n)!.get(i))));
      if (values.json) {
        ctx.stdout.write(JSON.stringify(rows.map((r) => Object.fromEntries(names.map((n, i) => [n, typeof r[i] === "bigint" ? Number(r[i]) : r[i]]))), null, 2) + "\n");
      } else if (values.csv) {
        const cell = (v: unknown) => { const s = v === null || v === undefined ? "" : formatValue(v); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
        ctx.stdout.write([names.join(","), ...rows.map((r) => r.map(cell).join(","))].join("\n") + "\n");
      } else {
        const limit = Number(values.limit ?? 50);
        for (const t of parts.slice(0, 1)) ctx.stdout.write(formatTable(t, limit) + "\n");
        ctx.stdout.write(`(${rows.length.toLocaleString("en-US")} rows)\n`);
      }
      return 0;
    } finally {
      await session.close();
    }
  },
};
