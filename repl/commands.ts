// The REPL's `.commands`: the session's commands (the kernel's `%` magics, one table in
// engine/commands) under the prefix a terminal user expects, plus the REPL's own
// `.more`, `.clear` and `.exit`. Each answers with an Outcome for the output log.
import type { NodeEvent, Session } from "../engine/index.js";
import { commandHelp, runSessionCommand } from "../engine/commands/session-commands.js";
import { dagAsText } from "../engine/plan/layout-dag.js";
import type { Outcome } from "./outcome.js";

const REPL_OWN = [
  { usage: "more", summary: "the next rows of the last result" },
  { usage: "clear", summary: "clear the screen" },
  { usage: "exit", summary: "leave" },
];

export const HELP = `Cells: TypeScript (model(...), Model(...), Parameter(...), expect(...), await result("m")), '%%sql name [--materialize]'
or '%%expect name [--model m] [--warn]'
(SQL cells run on an empty line, once they have a query). Enter runs a complete cell from
its last line, otherwise adds a line; Alt-Enter runs from anywhere, Ctrl-O adds a line.
Tab completes; Up/Down move between lines, then walk the history; readline's Ctrl-A/E/U/K/W/Y,
Alt-B/F/D. Ctrl-C cancels a run or clears the line (twice on an empty line: exit).
${commandHelp(".", REPL_OWN)}`;

/** One command line without its `.`; `.more` is the app's (it pages what the app shows). */
export async function runCommand(session: Session, line: string, onEvent?: (e: NodeEvent) => void): Promise<Outcome> {
  const name = line.trim().split(/\s+/)[0];
  switch (name) {
    case "help": return { kind: "text", text: HELP };
    case "clear": return { kind: "clear" };
    case "exit": case "quit": return { kind: "exit" };
  }
  const result = await runSessionCommand(session, line, ".", onEvent);
  switch (result.kind) {
    case "text": return result;
    case "run": return { kind: "run", report: result.report };
    case "dag": return { kind: "text", text: dagAsText(result.layout) };
  }
}
