// The multi-line input on screen: reads every key (also during a run), steps the input
// through editor-state.ts, carries out the effects (run, hold, cancel, complete, leave)
// and draws the cell with its cursor. A cell taller than the rows it may use shows a
// window around the cursor, so the screen is never redrawn whole.
import { Box, Text } from "ink";
import { useRef, useState } from "react";
import { countOf } from "../../engine/present/format-count.js";
import { applyCompletion, applyKey, initialEditorState, releaseHeld, type Effect, type EditorState } from "../editor-state.js";
import { rowsOfLine, windowOf } from "../editor-window.js";
import type { Key } from "../keys.js";
import { cursorPlace } from "../line-edit.js";
import { useRawKeys } from "./use-raw-keys.js";
import { useTerminalSize } from "./use-terminal-size.js";

export interface EditorProps {
  history: readonly string[];
  /** Runs a cell; a promise settles when its run ends (until then Enter holds the next cell and Ctrl-C cancels). */
  onSubmit(text: string): Promise<unknown> | void;
  complete?(text: string, cursor: number): Promise<{ matches: string[]; start: number; end: number }>;
  /** Ctrl-C during a run. */
  onCancel?(): void;
  /** A line Ctrl-C cleared. */
  onInterrupted?(text: string): void;
  /** Ctrl-C twice on an empty line, or Ctrl-D on one. */
  onExit?(): void;
  /** Ctrl-L. */
  onClearScreen?(): void;
  /** Terminal rows the editor may take, its note included (default: all but one). */
  maxRows?: number;
  prompt?: string;
}

export const HELD_NOTE = "(held: runs when this run ends; Ctrl-C cancels the run)";

export function Editor(props: EditorProps) {
  const { prompt = "lakeloop" } = props;
  const { columns, rows } = useTerminalSize();
  const state = useRef<EditorState>(initialEditorState());
  const latest = useRef(props);
  latest.current = props;
  // A run is in flight (known from onSubmit's promise, not from a re-render).
  const busy = useRef(false);
  const top = useRef(0);
  const [, setTick] = useState(0);
  const redraw = () => setTick((t) => t + 1);

  const perform = (effect: Effect) => {
    const p = latest.current;
    switch (effect.kind) {
      case "submit": {
        const run = p.onSubmit(effect.text);
        if (run) {
          busy.current = true;
          void run.then(finished, finished);
        }
        return;
      }
      case "cancel": return p.onCancel?.();
      case "exit": return p.onExit?.();
      case "interrupted": return p.onInterrupted?.(effect.text);
      case "clear-screen": return p.onClearScreen?.();
      case "complete": {
        const pending = p.complete?.(effect.text, effect.cursor);
        void pending?.then((found) => {
          state.current = applyCompletion(state.current, effect, found);
          redraw();
        }, (err: Error) => {
          state.current = { ...state.current, hint: `(no completion: ${err.message})` };
          redraw();
        });
      }
    }
  };

  const dispatch = (keys: Key[]) => {
    for (const key of keys) {
      const step = applyKey(state.current, key, { history: latest.current.history, busy: busy.current });
      state.current = step.state;
      step.effects.forEach(perform);
    }
    redraw();
  };

  // The run ended: a held cell runs, then the keys typed after it.
  function finished() {
    busy.current = false;
    const released = releaseHeld(state.current);
    state.current = released.state;
    if (released.held !== undefined) perform({ kind: "submit", text: released.held });
    dispatch(released.queued);
  }

  useRawKeys(dispatch);

  const s = state.current;
  const note = s.held !== undefined ? HELD_NOTE : busy.current && s.cancelling ? "cancelling the run…" : s.hint;
  const lines = s.edit.text.split("\n");
  const place = cursorPlace(s.edit);
  const prefix = prompt.length + 2;
  const budget = Math.max(3, (props.maxRows ?? rows - 1) - (note ? 1 : 0));
  const shown = windowOf(lines.map((l) => rowsOfLine(l, prefix, columns)), place.line, top.current, budget);
  top.current = shown.from;
  const gutter = (i: number) => (i === 0 ? `${prompt}> ` : `${" ".repeat(prompt.length)}| `);
  const more = (n: number, arrow: string) => <Text color="gray">{`${" ".repeat(prefix)}${arrow} ${countOf(n, "more line")}`}</Text>;
  return (
    <Box flexDirection="column">
      {shown.from > 0 ? more(shown.from, "↑") : null}
      {lines.slice(shown.from, shown.to).map((line, k) => {
        const i = shown.from + k;
        return (
          <Text key={i}>
            <Text color="blue">{gutter(i)}</Text>
            {i === place.line ? withCursor(line, place.column) : visible(line)}
          </Text>
        );
      })}
      {shown.to < lines.length ? more(lines.length - shown.to, "↓") : null}
      {note ? <Text color={s.held !== undefined || s.cancelling ? "yellow" : "gray"}>{note.slice(0, Math.max(1, columns - 1))}</Text> : null}
    </Box>
  );
}

/** Tabs as two spaces (a terminal would jump to its own tab stops). */
const visible = (s: string) => s.replace(/\t/g, "  ");

/** The line with the character under the cursor (or a space at the end) in inverse. */
function withCursor(line: string, column: number) {
  const width = /[\uD800-\uDBFF]/.test(line[column] ?? "") ? 2 : 1;
  const under = line.slice(column, column + width);
  return (
    <>
      {visible(line.slice(0, column))}
      <Text inverse>{under ? visible(under) : " "}</Text>
      {visible(line.slice(column + width))}
    </>
  );
}
