// What each key does to the REPL's input, as a pure step: state and key in, new state
// and effects (run a cell, cancel the run, leave, complete) out. The keys are readline's
// and IPython's: Enter on the last line runs a complete cell, on an earlier line it
// splits the line (Alt-Enter runs from anywhere, Ctrl-O adds a line without running);
// Up/Down move between lines and walk the history at the first/last line; Ctrl-C clears
// a line, cancels a run, and on an empty line twice leaves.
//
// Keys typed while a run is in flight edit the input as usual (shown under the run's
// progress, never echoed raw); an Enter that would run a cell holds it until the run
// ends, and the keys typed after it wait with it. Ctrl-C during a run cancels the run and
// gives a held cell back to the editor, dropping the keys typed after it (as a terminal
// drops its typed-ahead input on an interrupt).
import { shouldRun } from "./cell-input.js";
import type { Key } from "./keys.js";
import * as edit from "./line-edit.js";
import type { Edit, Killed } from "./line-edit.js";

export interface EditorState {
  edit: Edit;
  /** Where the history walk is: -1 on the cell being written, n on the n-th newest entry. */
  back: number;
  /** The cell being written, kept while walking the history. */
  draft: string;
  /** Edits made to recalled entries, kept until a cell runs (as readline does). */
  edited: Record<number, string>;
  /** Completion matches or a note under the input. */
  hint: string;
  /** Ctrl-C was pressed on an empty line: another leaves. */
  armed: boolean;
  /** A cell whose Enter came during a run: it runs when the run ends. */
  held?: string;
  /** Keys typed after a held Enter, replayed when the held cell has started. */
  queued: Key[];
  /** The last text killed (Ctrl-U, Ctrl-K, Ctrl-W, Alt-D), for Ctrl-Y. */
  killed: string;
  /** Ctrl-C was pressed during the run and its cancel is on its way. */
  cancelling: boolean;
}

export type Effect =
  | { kind: "submit"; text: string }
  | { kind: "cancel" }
  | { kind: "exit" }
  /** A line Ctrl-C cleared: the app keeps it on screen, marked ^C. */
  | { kind: "interrupted"; text: string }
  | { kind: "complete"; text: string; cursor: number }
  | { kind: "clear-screen" };

export interface KeyContext {
  history: readonly string[];
  /** A run is in flight. */
  busy: boolean;
}

export const EXIT_HINT = "(Ctrl-C again to leave; Ctrl-D or .exit also leave)";

export function initialEditorState(): EditorState {
  return { edit: { text: "", cursor: 0 }, back: -1, draft: "", edited: {}, hint: "", armed: false, queued: [], killed: "", cancelling: false };
}

type Step = { state: EditorState; effects: Effect[] };

const same = (state: EditorState): Step => ({ state, effects: [] });
const withEdit = (state: EditorState, e: Edit): Step => same({ ...state, edit: e });
const withKill = (state: EditorState, k: Killed): Step => same({ ...state, edit: k.edit, killed: k.killed || state.killed });

/** The input once its cell ran: empty, at the newest end of a history freed of edits. */
function afterSubmit(state: EditorState): EditorState {
  return { ...state, edit: { text: "", cursor: 0 }, back: -1, draft: "", edited: {}, hint: "" };
}

/** Runs the cell now, or holds it while a run is in flight. */
function submit(state: EditorState, text: string, ctx: KeyContext): Step {
  if (text.trim() === "") return same(state);
  if (ctx.busy) return same({ ...state, held: text });
  return { state: afterSubmit(state), effects: [{ kind: "submit", text }] };
}

/** Enter: runs a complete cell when the cursor is on its last line (blank lines after it do
 * not count); otherwise a line break at the cursor. */
function enter(state: EditorState, ctx: KeyContext): Step {
  const { text, cursor } = state.edit;
  const onLastLine = text.slice(edit.lineEnd(text, cursor)).trim() === "";
  if (onLastLine && shouldRun(text)) return submit(state, text, ctx);
  return withEdit(state, edit.insert(state.edit, "\n"));
}

/** One step through the history: older (+1) or newer (-1); the cursor goes to the end. */
function walkHistory(state: EditorState, step: 1 | -1, ctx: KeyContext): Step {
  const back = state.back + step;
  if (back < -1 || back >= ctx.history.length) return same(state);
  const edited = state.back >= 0 ? { ...state.edited, [state.back]: state.edit.text } : state.edited;
  const draft = state.back < 0 ? state.edit.text : state.draft;
  const text = back < 0 ? draft : edited[back] ?? ctx.history[ctx.history.length - 1 - back]!;
  return same({ ...state, back, edited, draft, edit: { text, cursor: text.length } });
}

function interrupt(state: EditorState, ctx: KeyContext): Step {
  if (ctx.busy) {
    // A held cell stays in the editor (it shows there), unheld; what was typed after it is dropped.
    return { state: { ...state, held: undefined, queued: [], cancelling: true }, effects: [{ kind: "cancel" }] };
  }
  if (state.edit.text !== "") {
    return { state: { ...afterSubmit(state), armed: false }, effects: [{ kind: "interrupted", text: state.edit.text }] };
  }
  if (state.armed) return { state: { ...state, armed: false }, effects: [{ kind: "exit" }] };
  return same({ ...state, armed: true, hint: EXIT_HINT });
}

/** A key with Ctrl or Alt and a letter or symbol. */
function chord(state: EditorState, name: string, ctrl: boolean, meta: boolean, ctx: KeyContext): Step {
  const e = state.edit;
  if (ctrl && !meta) {
    switch (name) {
      case "a": return withEdit(state, edit.home(e));
      case "e": return withEdit(state, edit.end(e));
      case "b": return withEdit(state, edit.left(e));
      case "f": return withEdit(state, edit.right(e));
      case "p": return upOrOlder(state, ctx);
      case "n": return downOrNewer(state, ctx);
      case "u": return withKill(state, edit.killToLineStart(e));
      case "k": return withKill(state, edit.killToLineEnd(e));
      case "w": return withKill(state, edit.killBlankWordBack(e));
      case "y": return withEdit(state, edit.insert(e, state.killed));
      case "o": return withEdit(state, edit.insert(e, "\n"));
      case "l": return { state, effects: [{ kind: "clear-screen" }] };
      case "d":
        if (e.text === "") return ctx.busy ? same(state) : { state, effects: [{ kind: "exit" }] };
        return withEdit(state, edit.deleteForward(e));
      default: return same(state);
    }
  }
  if (meta && !ctrl) {
    switch (name) {
      case "b": return withEdit(state, edit.wordLeft(e));
      case "f": return withEdit(state, edit.wordRight(e));
      case "d": return withKill(state, edit.killWordForward(e));
      case "<": return withEdit(state, { ...e, cursor: 0 });
      case ">": return withEdit(state, { ...e, cursor: e.text.length });
      default: return same(state);
    }
  }
  return same(state);
}

function upOrOlder(state: EditorState, ctx: KeyContext): Step {
  const moved = edit.up(state.edit);
  return moved ? withEdit(state, moved) : walkHistory(state, 1, ctx);
}

function downOrNewer(state: EditorState, ctx: KeyContext): Step {
  const moved = edit.down(state.edit);
  return moved ? withEdit(state, moved) : walkHistory(state, -1, ctx);
}

function named(state: EditorState, key: Extract<Key, { kind: "key" }>, ctx: KeyContext): Step {
  const e = state.edit;
  const word = key.ctrl || key.meta;
  switch (key.name) {
    case "enter": return key.meta ? submit(state, e.text, ctx) : enter(state, ctx);
    case "tab": {
      // At the start of a line (only blanks before the cursor) Tab indents; elsewhere it completes.
      const before = e.text.slice(edit.lineStart(e.text, e.cursor), e.cursor);
      if (before.trim() === "") return withEdit(state, edit.insert(e, "  "));
      return { state, effects: [{ kind: "complete", text: e.text, cursor: e.cursor }] };
    }
    case "backspace": return key.meta || key.ctrl ? withKill(state, edit.killWordBack(e)) : withEdit(state, edit.backspace(e));
    case "delete": return key.meta || key.ctrl ? withKill(state, edit.killWordForward(e)) : withEdit(state, edit.deleteForward(e));
    case "left": return withEdit(state, word ? edit.wordLeft(e) : edit.left(e));
    case "right": return withEdit(state, word ? edit.wordRight(e) : edit.right(e));
    case "home": return withEdit(state, key.ctrl ? { ...e, cursor: 0 } : edit.home(e));
    case "end": return withEdit(state, key.ctrl ? { ...e, cursor: e.text.length } : edit.end(e));
    case "up": return upOrOlder(state, ctx);
    case "down": return downOrNewer(state, ctx);
    case "escape": return same({ ...state, hint: "" });
    default: return chord(state, key.name, key.ctrl, key.meta, ctx);
  }
}

/** What one key does. */
export function applyKey(state: EditorState, key: Key, ctx: KeyContext): Step {
  if (key.kind === "key" && key.ctrl && key.name === "c") return interrupt(state, ctx);
  if (ctx.busy && state.held !== undefined) return same({ ...state, queued: [...state.queued, key] });
  // Any other key disarms the exit and clears a note (a completion list stays until typing).
  const base: EditorState = { ...state, armed: false, hint: state.armed ? "" : state.hint };
  if (key.kind === "text") return same({ ...base, hint: "", edit: edit.insert(state.edit, key.text) });
  return named(base, key, ctx);
}

/** The run ended: a held cell runs now, and the keys typed after it follow. */
export function releaseHeld(state: EditorState): { state: EditorState; held?: string; queued: Key[] } {
  const released = { ...state, held: undefined, queued: [], cancelling: false };
  return state.held === undefined ? { state: released, queued: state.queued } : { state: afterSubmit(released), held: state.held, queued: state.queued };
}

/** A completion came back: one match replaces the word (if the input has not changed since). */
export function applyCompletion(state: EditorState, asked: { text: string; cursor: number }, found: { matches: string[]; start: number; end: number }): EditorState {
  if (state.edit.text !== asked.text || state.edit.cursor !== asked.cursor) return state;
  const hint = found.matches.length > 1 ? found.matches.slice(0, 12).join("  ") + (found.matches.length > 12 ? "  …" : "") : found.matches.length ? "" : "(no completion)";
  if (found.matches.length !== 1) return { ...state, hint };
  const match = found.matches[0]!;
  const text = asked.text.slice(0, found.start) + match + asked.text.slice(found.end);
  return { ...state, hint, edit: { text, cursor: found.start + match.length } };
}
