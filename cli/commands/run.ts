// `lakeloop run <dir>`: runs a project's models on a worker, reusing what is resident
// or cached; `--dry-run` prints the plan's three views; `--json` prints per node what
// ran or was reused and the bytes fetched from object storage.
import * as path from "node:path";
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { ensureSampleOnDefaultLake } from "../sample-on-first-use.js";
import { followRun } from "../../engine/present/follow-run.js";
import { formatTable } from "../../engine/present/format-table.js";
import { summarizeRun } from "../../engine/present/run-summary.js";

// The engine (and the TypeScript compiler it carries) loads only when the command runs.
const loadEngine = async () => ({ ...(await import("../../engine/session.js")), ...(await import("../../engine/project/load-project.js")) });

export const runCommand: Command = {
  name: "run",
  lake: "seeds-default",
  summary: "run a project folder's models (re-running only what changed)",
  usage: `Usage: lakeloop run <dir> [--target NAME]... [--branch NAME] [--dry-run] [--json] [--profile] [--worker tcp://HOST:PORT]

A project folder holds .ts and .sql model files and an optional lakeloop.json
({ "lake": "...", "targets": [...] }). Without --target, the targets of lakeloop.json
run, else every model.

  --target NAME   a model to bring up to date (repeatable)
  --branch NAME   read the lake's tables as branch NAME has them and materialize to it
                  (main is untouched; lakeloop merge NAME publishes); a tag is read-only
  --dry-run       print the logical, physical and worker views of the plan; run nothing
  --json          print per node: ran or reused, why, rows, bytes fetched from object storage
                  (and, with --profile, where its time went)
  --profile       after the run, where each node's time went: a scan's plan, fetch, decode
                  and filter; a model's hand-off, thread, code and check; a SQL node's
                  input, query and output; and the time spent planning
  --worker        use a running worker instead of spawning a local one`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("run", ctx.args, {
      target: { type: "string", multiple: true }, "dry-run": { type: "boolean" }, json: { type: "boolean" }, worker: { type: "string" },
      profile: { type: "boolean" }, branch: { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError("run needs one project folder: lakeloop run <dir>");
    const { Session, loadProject, readProjectConfig } = await loadEngine();
    const dir = path.resolve(positionals[0]!);
    const config = await readProjectConfig(dir);
    // --lake and LAKELOOP_LAKE win over the project's lakeloop.json.
    const projectLake = !ctx.lakeGiven && config.lake ? config.lake : undefined;
    await ensureSampleOnDefaultLake(ctx, ctx.lakeGiven || projectLake !== undefined);
    const session = await Session.open({ lake: (await ctx.openLake(projectLake)).root, worker: values.worker, env: ctx.env, branch: values.branch });
    try {
      await loadProject(session, dir, config);
      const targets = (values.target as unknown as string[] | undefined) ?? config.targets;
      if (values["dry-run"]) {
        ctx.stdout.write((await session.explain(targets)) + "\n");
        return 0;
      }
      const report = await session.run(targets, values.json ? undefined : followRun((line) => ctx.stderr.write(line + "\n")));
      if (values.json) {
        const nodes = values.profile ? report.nodes : report.nodes.map(({ profile: _, ...n }) => n);
        ctx.stdout.write(JSON.stringify({ nodes, summary: report.summary, ...(values.profile ? { timing: report.timing } : {}) }, null, 2) + "\n");
      } else {
        for (const preview of report.previews) {
          ctx.stdout.write(`\n${preview.name} (${preview.rows.toLocaleString("en-US")} rows)\n${formatTable(preview.table)}\n`);
        }
        ctx.stdout.write(`\n${summarizeRun(report)}\n`);
        if (values.profile) {
          const { describeProfile } = await import("../../engine/commands/describe-profile.js");
          ctx.stdout.write(`\n${describeProfile(report)}\n`);
        }
      }
      return report.nodes.some((n) => n.action === "failed") ? 1 : 0;
    } finally {
      await session.close();
    }
  },
};
