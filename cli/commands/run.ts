// `lakeloop run <dir>`: runs a project's models on a worker, reusing what is resident
// or cached; `--dry-run` prints the plan's three views; `--json` prints per node what
// ran or was reused and the bytes fetched from object storage, and the expectations.
// Run controls: `--param`, `--cache off`, `--preview`, `--strict` (run-controls.ts).
import * as path from "node:path";
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { ensureSampleOnDefaultLake } from "../sample-on-first-use.js";
import { followRun } from "../../engine/present/follow-run.js";
import { formatTable } from "../../engine/present/format-table.js";
import { summarizeRun } from "../../engine/present/run-summary.js";
import { joinPreviewCount, parseCache, parseParams, parsePreview } from "../run-controls.js";
import { jsonOfCell } from "../../engine/present/format-value.js";
import type { Table } from "apache-arrow";
import type { RunReport, Session } from "../../engine/session.js";

/** A sample of rows as JSON values (longs beyond 2^53 rounded: it is a sample). */
const rowsOf = (table: Table): Record<string, unknown>[] => Array.from({ length: table.numRows }, (_, row) =>
  Object.fromEntries(table.schema.fields.map((f, i) => [f.name, JSON.parse(jsonOfCell(table.getChildAt(i)!, row)) as unknown])));

// The engine (and the TypeScript compiler it carries) loads only when the command runs.
const loadEngine = async () => ({
  ...(await import("../../engine/session.js")), ...(await import("../../engine/project/load-project.js")), ...(await import("../../engine/expect/expectation-results.js")),
});

export const runCommand: Command = {
  name: "run",
  lake: "seeds-default",
  summary: "run a project folder's models (re-running only what changed)",
  usage: `Usage: lakeloop run <dir> [--target NAME]... [--param NAME=VALUE]... [--branch NAME [--merge]] [--cache on|off]
                    [--preview head|tail|none [N]] [--strict] [--dry-run] [--json] [--profile] [--worker tcp://HOST:PORT]

A project folder holds .ts and .sql model files and an optional lakeloop.json
({ "lake": "...", "targets": [...] }). Without --target, the targets of lakeloop.json
run, else every model.

  --target NAME   a model to bring up to date (repeatable); its expectations run with it
  --param N=V     give parameter N the value V (repeatable): parameters are declared in
                  the project with Parameter("N", default); V is read as N's type
                  (string, number, date YYYY-MM-DD, timestamp YYYY-MM-DD HH:MM:SS)
  --cache off     reuse nothing: every scan reads its data from object storage
  --preview MODE  head (default) or tail: the first or last rows of each result, N of
                  them when a count follows (--preview tail 5); none: no previews
  --strict        every expectation blocks as an error does (warnings too): a failed one
                  stops its model's materialization and the run exits with 1
  --branch NAME   read the lake's tables as branch NAME has them and materialize to it
                  (main is untouched; lakeloop merge NAME publishes); a tag is read-only
  --merge         with --branch: when every model ran and no blocking expectation
                  failed, publish the branch into main (as lakeloop merge); otherwise
                  merge nothing, say why, and exit with 1
  --dry-run       print the logical, physical and worker views of the plan; run nothing
  --json          print per node: ran or reused, why, rows, bytes fetched from object storage
                  (and, with --profile, where its time went)
  --profile       after the run, where each node's time went: a scan's plan, fetch, decode
                  and filter; a model's hand-off, thread, code and check; a SQL node's
                  input, query and output; and the time spent planning
  --worker        use a running worker instead of spawning a local one`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("run", joinPreviewCount(ctx.args), {
      target: { type: "string", multiple: true }, "dry-run": { type: "boolean" }, json: { type: "boolean" }, worker: { type: "string" },
      profile: { type: "boolean" }, branch: { type: "string" }, param: { type: "string", multiple: true }, cache: { type: "string" }, preview: { type: "string" },
      strict: { type: "boolean" }, merge: { type: "boolean" },
    });
    const params = parseParams(values.param as unknown as string[] | undefined);
    const cacheOff = parseCache(values.cache) === "off";
    const preview = parsePreview(values.preview);
    const strict = values.strict === true;
    if (positionals.length !== 1) throw new UsageError("run needs one project folder: lakeloop run <dir>");
    if (values.merge && (!values.branch || values.branch === "main")) throw new UsageError("--merge goes with --branch NAME (a branch other than main): it publishes that branch into main after the run");
    if (values.merge && values["dry-run"]) throw new UsageError("--merge and --dry-run do not go together: a dry run writes nothing");
    if (values.merge && values.target) throw new UsageError("--merge runs every model: it publishes every table the branch changed, so each must pass its checks; leave out --target");
    const { Session, loadProject, readProjectConfig, blockingFailures, describeExpectations, expectationWarnings } = await loadEngine();
    const dir = path.resolve(positionals[0]!);
    const config = await readProjectConfig(dir);
    // --lake and LAKELOOP_LAKE win over the project's lakeloop.json.
    const projectLake = !ctx.lakeGiven && config.lake ? config.lake : undefined;
    await ensureSampleOnDefaultLake(ctx, ctx.lakeGiven || projectLake !== undefined);
    const session = await Session.open({ lake: (await ctx.openLake(projectLake)).root, worker: values.worker, env: ctx.env, branch: values.branch });
    try {
      await loadProject(session, dir, config);
      for (const [name, value] of params) {
        try {
          session.params.set(name, value);
        } catch (err) {
          throw new UsageError(`--param ${name}=${value}: ${(err as Error).message}`);
        }
      }
      if (values.merge && (await session.tables()).refType === "tag") throw new UsageError(`--merge needs a branch: ${values.branch} is a tag, which never changes`);
      const targets = values.merge ? undefined : (values.target as unknown as string[] | undefined) ?? config.targets;
      if (values["dry-run"]) {
        ctx.stdout.write((await session.explain(targets)) + "\n");
        return 0;
      }
      const report = await session.run(targets, values.json ? undefined : followRun((line) => ctx.stderr.write(line + "\n")),
        { strict, cacheOff, previewRows: preview.rows ?? 10, ...(preview.mode === "tail" ? { previewFrom: "tail" as const } : {}) });
      const failed = report.nodes.some((n) => n.action === "failed") || blockingFailures(report).length > 0 || (strict && expectationWarnings(report).length > 0);
      const merge = values.merge ? await mergeAfterRun(session, values.branch!, failed, report) : undefined;
      if (values.json) {
        const nodes = values.profile ? report.nodes : report.nodes.map(({ profile: _, ...n }) => n);
        const expectations = report.expectations.map(({ sample, ...e }) => ({ ...e, ...(sample ? { sample: rowsOf(sample) } : {}) }));
        const parameters = Object.fromEntries([...session.params.resolve()].map(([name, p]) => [name, p.value ?? null]));
        ctx.stdout.write(JSON.stringify({
          nodes, expectations, parameters, summary: report.summary, ...(values.profile ? { timing: report.timing } : {}),
          ...(merge ? { merge: merge.published ? { from: values.branch, into: "main", published: merge.published } : { refused: merge.refused } } : {}),
        }, null, 2) + "\n");
      } else {
        if (preview.mode !== "none") {
          // The worker sent the first or last rows asked for (10 by default).
          for (const p of report.previews) {
            const which = preview.mode === "tail" && p.rows > p.table.numRows ? `, last ${p.table.numRows}` : "";
            ctx.stdout.write(`\n${p.name} (${p.rows.toLocaleString("en-US")} rows${which})\n${formatTable(p.table, p.table.numRows)}\n`);
          }
        }
        const lines = describeExpectations(report);
        if (lines.length) ctx.stdout.write(`\n${lines.join("\n")}\n`);
        ctx.stdout.write(`\n${summarizeRun(report)}\n`);
        if (values.profile) {
          const { describeProfile } = await import("../../engine/commands/describe-profile.js");
          ctx.stdout.write(`\n${describeProfile(report)}\n`);
        }
      }
      if (merge?.refused) {
        ctx.stderr.write(`lakeloop run: ${merge.refused}\n`);
        return 1;
      }
      if (merge && !values.json) ctx.stdout.write(`${merge.said}\n`);
      return failed ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};

/** `--merge`: the branch into main when the run held, else nothing merged and why. */
async function mergeAfterRun(session: Session, branch: string, failed: boolean, report: RunReport): Promise<{ refused?: string; said?: string; published?: { table: string; snapshotId: number }[] }> {
  const { describeMerge, refuseFailingMerge } = await import("../../engine/commands/merge-command.js");
  const { blockingFailures } = await import("../../engine/expect/expectation-results.js");
  const { mergeRefs } = await import("../../lake/iceberg/branches/merge.js");
  const broken = report.nodes.filter((n) => n.action === "failed").map((n) => n.name);
  try {
    if (broken.length) throw new Error(`cannot merge ${branch}: ${broken.join(", ")} failed in this run; nothing was merged`);
    refuseFailingMerge(branch, blockingFailures(report), "this run");
    if (failed) throw new Error(`cannot merge ${branch}: expectation warnings count as failures under --strict; nothing was merged`);
  } catch (err) {
    return { refused: (err as Error).message };
  }
  const result = await mergeRefs(session.catalog, branch, "main");
  return { said: describeMerge(branch, "main", result), published: result.published };
}
