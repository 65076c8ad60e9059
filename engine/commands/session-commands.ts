// The session's commands, once for every front end: the kernel's `%name` magics and
// the REPL's `.name` commands are this one table under two prefixes. Each entry has its
// name, its arguments and a line of help, and answers with text, a run, or a DAG for the
// front end to draw its own way (an SVG in a notebook, box text in a terminal). A front
// end adds only what belongs to it (`%memory` in the kernel; `.more`, `.clear`, `.exit`
// in the REPL) through `commandHelp`'s extra lines and its own dispatch.
import type { NodeEvent } from "../../protocol/messages.js";
import type { RunReport, Session } from "../session.js";
import { layoutDag, type DagLayout } from "../plan/layout-dag.js";
import { describeProfile } from "./describe-profile.js";
import { describeCache, describeModels, describeTable, describeTables, describeWorker, dropModels } from "./describe-session.js";
import { BRANCH_SUMMARY, BRANCH_USAGE, branchCommand } from "./branch-command.js";
import { PARAM_SUMMARY, PARAM_USAGE, runParamCommand } from "./param-command.js";
import { MERGE_SUMMARY, MERGE_USAGE, mergeFromSession } from "./merge-command.js";
import { usageError } from "./usage-error.js";

export type CommandResult =
  | { kind: "text"; text: string }
  | { kind: "run"; text?: string; report: RunReport }
  | { kind: "dag"; layout: DagLayout };

/** What a command gets: the words after its name, and the same as one string (for quoted values). */
export interface CommandInput {
  session: Session;
  args: string[];
  rest: string;
  onEvent?: (e: NodeEvent) => void;
}

export interface SessionCommand {
  name: string;
  usage: string;
  summary: string;
  run(input: CommandInput): Promise<CommandResult>;
}

const text = (t: string): CommandResult => ({ kind: "text", text: t });
const targetsOf = (args: string[]) => (args.length ? args : undefined);

export const SESSION_COMMANDS: readonly SessionCommand[] = [
  { name: "plan", usage: "plan [models]", summary: "the logical, physical and worker views of the plan (nothing runs)",
    run: async ({ session, args }) => text(await session.explain(targetsOf(args))) },
  { name: "run", usage: "run [models]", summary: "bring models up to date (default: all), with their expectations",
    run: async ({ session, args, onEvent }) => ({ kind: "run", report: await session.run(targetsOf(args), onEvent) }) },
  { name: "param", usage: PARAM_USAGE, summary: PARAM_SUMMARY,
    run: async ({ session, rest, onEvent }) => {
      const { text: said, report } = await runParamCommand(session, rest, onEvent);
      return report ? { kind: "run", text: said, report } : text(said);
    } },
  { name: "profile", usage: "profile", summary: "where the last run that computed something spent its time, by node and phase",
    run: async ({ session }) => text(session.lastRun ? describeProfile(session.lastRun) : "nothing has run yet in this session") },
  { name: "dag", usage: "dag [models]", summary: "the DAG: what reads what, run or reuse and why",
    run: async ({ session, args }) => {
      const planned = await session.plan(targetsOf(args));
      return planned.plan.nodes.length ? { kind: "dag", layout: layoutDag(planned.graph, planned.plan) } : text("no models yet");
    } },
  { name: "models", usage: "models", summary: "models and the cells that define them",
    run: async ({ session }) => text(describeModels(session)) },
  { name: "drop", usage: "drop <models>", summary: "remove models from the session",
    run: async ({ session, args }) => text(await dropModels(session, args)) },
  { name: "tables", usage: "tables", summary: "the lake and its tables",
    run: async ({ session }) => text(await describeTables(session)) },
  { name: "describe", usage: "describe <table>", summary: "a table's schema, partitioning, snapshots, files",
    run: async ({ session, args }) => {
      if (!args[0]) throw usageError("describe needs a table name, e.g. describe transactions");
      return text(await describeTable(session, args[0]));
    } },
  { name: "branch", usage: BRANCH_USAGE, summary: BRANCH_SUMMARY,
    run: async ({ session, args }) => text(await branchCommand(session, args)) },
  { name: "merge", usage: MERGE_USAGE, summary: MERGE_SUMMARY,
    run: async ({ session, args }) => text(await mergeFromSession(session, args)) },
  { name: "worker", usage: "worker", summary: "outputs resident on the worker, and which SQL path it runs",
    run: async ({ session }) => text(await describeWorker(session)) },
  { name: "cache", usage: "cache", summary: "the worker's cache statistics",
    run: async ({ session }) => text(await describeCache(session)) },
];

export function findCommand(name: string): SessionCommand | undefined {
  return SESSION_COMMANDS.find((c) => c.name === name);
}

/** Runs `name args...` (the line without its prefix); an unknown name is a usage error naming the help. */
export async function runSessionCommand(session: Session, line: string, prefix: string, onEvent?: (e: NodeEvent) => void): Promise<CommandResult> {
  const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(line);
  const name = m?.[1] ?? "";
  const rest = m?.[2] ?? "";
  const command = findCommand(name);
  if (!command) throw usageError(`unknown command ${prefix}${name}; ${prefix}help lists them`);
  return command.run({ session, args: rest.trim() ? rest.trim().split(/\s+/) : [], rest, onEvent });
}

/** The help list under one prefix: `help`, the shared commands, then the front end's own (`bare`: shown without the prefix). */
export function commandHelp(prefix: string, own: readonly { usage: string; summary: string; bare?: boolean }[] = []): string {
  const rows: { usage: string; summary: string; bare?: boolean }[] = [{ usage: "help", summary: "this list" }, ...SESSION_COMMANDS, ...own];
  // Usages up to a column's width share their line with the summary; a longer one has it below.
  const width = 22;
  return rows.map((r) => {
    const usage = (r.bare ? "" : prefix) + r.usage;
    return usage.length < width ? `  ${usage.padEnd(width)}${r.summary}` : `  ${usage}\n  ${" ".repeat(width)}${r.summary}`;
  }).join("\n");
}
