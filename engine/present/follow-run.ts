// A run followed as lines of text (the CLI's `run`, a piped REPL script): a line when a
// node starts, one when it ends, one per package installed for it. Progress events move
// nothing here; a failure's stack follows its line, indented.
import type { NodeEvent } from "../../protocol/messages.js";
import { applyNodeEvent, type NodeState } from "../run/node-state.js";
import { installLine, nodeLine } from "./node-lines.js";

const STACK_LINES = 6;

export function followRun(write: (line: string) => void): (e: NodeEvent) => void {
  let states: NodeState[] = [];
  return (e) => {
    states = applyNodeEvent(states, e);
    if (e.type === "node-progress") return;
    const state = states.find((s) => s.id === e.node)!;
    if (e.type === "install") {
      write(`  ${installLine(state.installs.at(-1)!)}`);
      return;
    }
    write(`  ${nodeLine(state)}`);
    if (state.action === "failed" && state.stack) {
      for (const line of state.stack.split("\n").slice(0, STACK_LINES)) write(`      ${line.trim()}`);
    }
  };
}
