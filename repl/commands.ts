// The REPL's `.commands` (the kernel's `%` magics under the names a terminal user
// expects): each returns text for the output log, or asks the app to clear or exit.
import { describeTable, formatTableDescription } from "../lake/ingest/describe.js";
import { describeCache, describeModels, describeTables, describeWorker, dropModels } from "../engine/commands/describe-session.js";
import { describeProfile } from "../engine/commands/describe-profile.js";
import { dagAsText, layoutDag } from "../engine/plan/layout-dag.js";
import type { Session } from "../engine/session.js";
import type { NodeEvent } from "../protocol/messages.js";
import { BRANCH_SUMMARY, BRANCH_USAGE, branchCommand } from "../engine/commands/branch-command.js";
import type { Outcome } from "./outcome.js";
import { PARAM_HELP, runParamCommand } from "../engine/commands/param-command.js";

export const HELP = `Cells: TypeScript (model(...), Model(...), Parameter(...), expect(...), await result("m")), '%%sql name [--materialize]'
or '%%expect name [--model m] [--warn]'
(SQL cells run on an empty line, once they have a query). Enter runs a complete cell from
its last line, otherwise adds a line; Alt-Enter runs from anywhere, Ctrl-O adds a line.
Tab completes; Up/Down move between lines, then walk the history; readline's Ctrl-A/E/U/K/W/Y,
Alt-B/F/D. Ctrl-C cancels a run or clears the line (twice on an empty line: exit).
  .help               this list
  .plan [models]      the logical, physical and worker views of the plan (nothing runs)
  .run [models]       bring models up to date (default: all), with their expectations
  .param ${PARAM_HELP}
  .profile            where the last run that computed something spent its time, by node and phase
  .dag [models]       the DAG: what reads what, run or reuse and why
  .models             models and the cells that define them
  .drop <models>      remove models from the session
  .tables             the lake and its tables
  .describe <table>   a table's schema, partitioning, snapshots, files
  .${BRANCH_USAGE.padEnd(18)} ${BRANCH_SUMMARY}
  .cache              the worker's cache statistics
  .worker             outputs resident on the worker
  .more               the next rows of the last result
  .clear              clear the screen
  .exit               leave`;

export async function runCommand(session: Session, line: string, onEvent?: (e: NodeEvent) => void): Promise<Outcome> {
  const [name, ...args] = line.trim().split(/\s+/);
  const targets = args.length ? args : undefined;
  switch (name) {
    case "help": return { kind: "text", text: HELP };
    case "plan": return { kind: "text", text: await session.explain(targets) };
    case "run": return { kind: "run", report: await session.run(targets) };
    case "dag": {
      const planned = await session.plan(targets);
      return { kind: "text", text: planned.plan.nodes.length ? dagAsText(layoutDag(planned.graph, planned.plan)) : "no models yet" };
    }
    case "param": {
      const { text, report } = await runParamCommand(session, line.trim().slice(name!.length), onEvent);
      return report ? { kind: "run", report } : { kind: "text", text };
    }
    case "models": return { kind: "text", text: describeModels(session) };
    case "drop": return { kind: "text", text: await dropModels(session, args) };
    case "tables": return { kind: "text", text: await describeTables(session) };
    case "describe":
      if (!args[0]) return { kind: "error", message: ".describe needs a table name", source: line };
      return { kind: "text", text: formatTableDescription(await describeTable(await (await session.tables()).loadTable(args[0]))) };
    case "branch": return { kind: "text", text: await branchCommand(session, args) };
    case "cache": return { kind: "text", text: await describeCache(session) };
    case "profile": return { kind: "text", text: session.lastRun ? describeProfile(session.lastRun) : "nothing has run yet in this session" };
    case "worker": return { kind: "text", text: await describeWorker(session) };
    case "clear": return { kind: "clear" };
    case "exit": case "quit": return { kind: "exit" };
    default: return { kind: "error", message: `unknown command .${name}; .help lists them`, source: line };
  }
}
