// What the kernel does with a cell: `%` line magics, `%%sql` and TypeScript cells run
// through the session (models it defines run, with live progress updated in place),
// TypeScript's type errors as a warning first, console output as streams, display
// helpers, values as execute_result, errors as error messages. A cell's outputs go out
// in the order the cell made them, even when one (a chart's SVG) takes a while to draw.
// Also completion and inspection over the session's names.
import { randomUUID } from "node:crypto";
import { inspect as inspectValue } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

import { Session, type NodeEvent, type RunReport } from "../engine/index.js";
import { summarizeRun } from "../engine/present/run-summary.js";
import { tableBundle, valueBundle, type MimeBundle } from "./render.js";
import { inlineValues, vegaliteBundle } from "./render-vegalite.js";
import { RunProgress } from "./progress.js";
import { cellErrorContent, runErrorContent, type ErrorContent } from "./cell-errors.js";
import { expectationErrorContent, expectationWarningText, offendingSamples } from "./expectation-output.js";
import { typeWarningText } from "./type-warnings.js";
import { dagBundle } from "./render-dag.js";
import { commandHelp, runSessionCommand } from "../engine/commands/session-commands.js";
import { describeTable } from "../engine/commands/describe-session.js";
import { CellLanguage } from "../engine/complete/ts-language.js";
import { writeSampleOnFirstUse } from "../engine/sample-data.js";
import { completeCell } from "../engine/complete/complete-cell.js";
import { lakeNamesOf } from "../engine/complete/session-names.js";
import type { Header, Message } from "./wire.js";

export type Publish = (type: string, content: unknown, parent: Partial<Header>, metadata?: Record<string, unknown>) => Promise<void>;

export interface ExecuteOutcome {
  error?: ErrorContent;
  plainResult?: string;
  payload?: unknown[];
}

const HELP = `lakeloop magics:
${commandHelp("%", [
  { usage: "memory", summary: "the kernel process's memory, after a full garbage collection" },
  { usage: "?name, name?", summary: "a table's, model's or value's description in the pager", bare: true },
])}
Cells: TypeScript (model(...), Model(...), Parameter(...), expect(...), display(...)), '%%sql name [--materialize]',
or '%%expect name [--model m] [--warn]' (a SELECT of the offending rows).`;

/** Code-point offset to UTF-16 index (Jupyter counts cursor positions in code points). */
export function codePointToIndex(text: string, cursor: number): number {
  let index = 0;
  for (let n = 0; n < cursor && index < text.length; n++) index += text.codePointAt(index)! > 0xffff ? 2 : 1;
  return index;
}

function indexToCodePoint(text: string, index: number): number {
  return [...text.slice(0, index)].length;
}

// The kernel's own cell globals, for the language service.
const KERNEL_GLOBALS = `
declare const display: {
  /** Shows a value: an Arrow table as an HTML table, anything else as text. \`id\` names the output for display.update. */
  (value: unknown, options?: { id?: string }): void;
  html(html: string, options?: { id?: string }): void;
  markdown(markdown: string): void;
  /** A Vega-Lite v5 chart, also drawn as SVG; \`data\` (an Arrow table or rows) becomes the spec's inline values. */
  vegalite(spec: Record<string, unknown>, data?: unknown): void;
  /** Replaces the output shown with \`display(value, { id })\`. */
  update(id: string, value: unknown): void;
  clear(wait?: boolean): void;
};
/** Asks the notebook's user for a line of text. */
declare function input(prompt?: string): Promise<string>;
`;

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** The process's memory after a full collection, so what it shows is what is still held. */
function measureMemory(): NodeJS.MemoryUsage {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage();
}

/** How often a running node's elapsed time moves on. */
const TICK_MS = 1000;

export class Executor {
  #parent: Message | undefined;
  /** Whether the first cell still has to write the default lake's sample data. */
  #sampleOnFirstUse = false;
  readonly #language = new CellLanguage(KERNEL_GLOBALS);
  /** The outputs of the cell so far, published one after another. */
  #outputs: Promise<void> = Promise.resolve();
  /** Sources of the cells that defined models, to quote the line a model failed at. */
  readonly #modelCells = new Map<string, string>();

  private constructor(readonly session: Session, readonly publish: Publish) {}

  get currentRequest(): Message | undefined {
    return this.#parent;
  }

  static async create(options: { lake?: string; env?: NodeJS.ProcessEnv; sampleOnFirstUse?: boolean; publish: Publish; input: (prompt: string, password: boolean, parent: Message) => Promise<string> }): Promise<Executor> {
    let executor: Executor | undefined;
    const stream = (name: "stdout" | "stderr") => (...args: unknown[]) => executor?.stream(name, args.map((a) => (typeof a === "string" ? a : inspectValue(a, { colors: false }))).join(" ") + "\n");
    const console = { log: stream("stdout"), info: stream("stdout"), debug: stream("stdout"), error: stream("stderr"), warn: stream("stderr") };
    // The helpers return nothing, so a cell ending in display(...) has no Out[] value.
    const display = Object.assign((value: unknown, options: { id?: string } = {}) => { executor?.display(valueBundle(value), options.id); }, {
      html: (html: string, options: { id?: string } = {}) => { executor?.display({ "text/html": html, "text/plain": html.replace(/<[^>]+>/g, "") }, options.id); },
      markdown: (md: string) => { executor?.display({ "text/markdown": md, "text/plain": md }); },
      vegalite: (spec: Record<string, unknown>, data?: unknown) => {
        const values = inlineValues(data);
        const full = values ? { ...spec, data: { values } } : spec;
        executor?.display(vegaliteBundle(full, (message) => executor?.stream("stderr", `lakeloop: ${message}\n`)));
      },
      update: (id: string, value: unknown) => { executor?.display(valueBundle(value), id, true); },
      clear: (wait = false) => { if (executor) executor.#emit("clear_output", { wait }); },
    });
    const input = async (prompt = "") => {
      const parent = executor?.currentRequest;
      return parent ? options.input(String(prompt), false, parent) : "";
    };
    const session = await Session.open({ lake: options.lake, env: options.env, cellGlobals: { console, display, input }, redefine: "replace",
      onNotice: (message) => executor?.stream("stderr", `lakeloop: ${message}\n`) });
    executor = new Executor(session, options.publish);
    executor.#sampleOnFirstUse = options.sampleOnFirstUse ?? false;
    // The TypeScript libraries load once, off the first cell's path (about a second).
    const warm = executor;
    setTimeout(() => warm.#language.diagnostics("0"), 200).unref();
    return executor;
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  /** Publishes one output of the current cell after all the ones before it. */
  #emit(type: string, content: unknown): void {
    const parent = this.#parent;
    if (!parent) return;
    this.#outputs = this.#outputs.then(async () => this.publish(type, await content, parent.header)).catch(() => {});
  }

  stream(name: "stdout" | "stderr", text: string): void {
    this.#emit("stream", { name, text });
  }

  /** `data` may still be in the making (a chart being drawn); later outputs wait for it. */
  display(data: MimeBundle | Promise<MimeBundle>, id?: string, update = false): void {
    const transient = { display_id: id ?? randomUUID() };
    this.#emit(update ? "update_display_data" : "display_data", Promise.resolve(data).then((d) => ({ data: d, metadata: {}, transient })));
  }

  /** Publishes after the cell's earlier outputs, and waits until it is sent. */
  async #publishAfterOutputs(type: string, content: unknown, parent: Message): Promise<void> {
    await this.#outputs;
    await this.publish(type, content, parent.header);
  }

  /** Runs `work` with its node events shown as live progress, elapsed times moving while nodes run. */
  async #withProgress<T>(work: (onEvent: (e: NodeEvent) => void) => Promise<T>): Promise<T> {
    const progress = new RunProgress();
    const id = randomUUID();
    let shown = false;
    const show = () => {
      this.display(progress.bundle(), id, shown);
      shown = true;
    };
    const ticker = setInterval(() => { if (progress.running) show(); }, TICK_MS);
    try {
      return await work((e) => { if (progress.apply(e)) show(); });
    } finally {
      clearInterval(ticker);
    }
  }

  interrupt(): void {
    void this.session.cancel();
  }

  async execute(code: string, parent: Message, options: { silent: boolean; executionCount: number; allowStdin: boolean }): Promise<ExecuteOutcome> {
    this.#parent = parent;
    this.#outputs = Promise.resolve();
    try {
      await this.#writeSampleOnFirstUse();
      const trimmed = code.trim();
      // `?name` or `name?` pages what inspect knows of a name (IPython's convention).
      const asked = /^\?\s*([\w$.]+)$/.exec(trimmed) ?? /^([\w$.]+)\?$/.exec(trimmed);
      if (asked) {
        const found = await this.inspect(asked[1]!, asked[1]!.length);
        if (!found.found) throw new Error(`nothing is known of ${asked[1]}: not a table, model or name of the cells`);
        return { payload: [{ source: "page", data: found.data, start: 0 }] };
      }
      if (trimmed.startsWith("%") && !/^%%(sql|expect)\b/.test(trimmed)) {
        for (const line of trimmed.split("\n").map((l) => l.trim()).filter(Boolean)) {
          const outcome = await this.#magic(line);
          if (outcome?.error) return outcome; // shown already
        }
        await this.#outputs;
        return {};
      }
      const cell = `cell[${options.executionCount}]`;
      const typescript = !/^\s*%%(sql|expect)\b/.test(code);
      // Type-checking takes tens of milliseconds: it runs while the worker computes (at
      // the run's first event), or after a cell that runs nothing — never before the run
      // starts. A silent execute (a front end's own) shows nothing, so it is not checked.
      let warning: string | undefined;
      let checked = !typescript || options.silent;
      const check = () => {
        if (checked) return;
        checked = true;
        warning = typeWarningText(this.#language.diagnostics(code));
      };
      const { value, report } = await this.#withProgress((onEvent) =>
        this.session.runCell(cell, code, (e) => { onEvent(e); if (e.type === "node-started") setImmediate(check); }));
      check();
      if (warning) this.stream("stderr", warning);
      if (typescript) this.#language.remember(code);
      if (report) {
        if (typescript) this.#modelCells.set(cell, code);
        return await this.#showRun(report, options.executionCount);
      }
      if (value !== undefined) {
        const data = valueBundle(value);
        await this.#publishAfterOutputs("execute_result", { data, metadata: {}, execution_count: options.executionCount }, parent);
        return { plainResult: String(data["text/plain"]) };
      }
      await this.#outputs;
      return {};
    } catch (err) {
      const error = cellErrorContent(err, (c) => (c === `cell[${options.executionCount}]` ? code : this.#modelCells.get(c)));
      await this.#publishAfterOutputs("error", error, parent);
      return { error };
    }
  }

  /**
   * The embedded default lake's sample data, written in the first cell run (whatever
   * the cell): the notice naming the lake, then its progress updated in place, then
   * what was written. A failure shows as the cell's error; the next cell tries again.
   */
  async #writeSampleOnFirstUse(): Promise<void> {
    if (!this.#sampleOnFirstUse) return;
    const id = randomUUID();
    const lines: string[] = [];
    let shown = false;
    let last = 0;
    const show = () => {
      this.display({ "text/plain": lines.join("\n") }, id, shown);
      shown = true;
      last = Date.now();
    };
    const wrote = await writeSampleOnFirstUse(this.session.catalog, (line) => {
      // The notice stays first; each progress line replaces the one under it, a few times a second at most.
      lines[lines.length ? 1 : 0] = line;
      if (!shown || Date.now() - last > 250) show();
    });
    this.#sampleOnFirstUse = false;
    if (!wrote) return;
    lines[1] = wrote;
    show();
  }

  async #showRun(report: RunReport, executionCount: number): Promise<ExecuteOutcome> {
    const parent = this.#parent!;
    for (const preview of report.previews) this.display(tableBundle(preview.table, preview.name, preview.rows));
    for (const e of offendingSamples(report)) this.display(tableBundle(e.sample!, `${e.name}: offending rows of ${e.model}`, e.rows));
    const warnings = expectationWarningText(report);
    if (warnings) this.stream("stderr", warnings);
    const summary = summarizeRun(report);
    // `%run` has no execution count of its own: its summary is a line of output, not Out[].
    if (executionCount) await this.#publishAfterOutputs("execute_result", { data: { "text/plain": summary }, metadata: {}, execution_count: executionCount }, parent);
    else this.stream("stdout", `${summary}\n`);
    const failed = report.nodes.filter((n) => n.action === "failed" || n.action === "cancelled");
    const error = expectationErrorContent(report, failed.length ? runErrorContent(failed, (c) => this.#modelCells.get(c)) : undefined);
    if (error) {
      await this.#publishAfterOutputs("error", error, parent);
      return { error, plainResult: summary };
    }
    await this.#outputs;
    return { plainResult: summary };
  }

  /** Runs one magic line; `%run` answers with its run's outcome. */
  async #magic(line: string): Promise<ExecuteOutcome | void> {
    const name = line.slice(1).trim().split(/\s+/)[0];
    const out = (text: string) => this.stream("stdout", text.endsWith("\n") ? text : text + "\n");
    if (name === "help") return out(HELP);
    if (name === "memory") {
      const m = measureMemory();
      return out(`kernel memory after a full garbage collection: heap used ${mb(m.heapUsed)} MB of ${mb(m.heapTotal)} MB, resident ${mb(m.rss)} MB, external ${mb(m.external)} MB`);
    }
    const result = await this.#withProgress((onEvent) => runSessionCommand(this.session, line.slice(1), "%", onEvent));
    switch (result.kind) {
      case "text": return out(result.text);
      case "dag": this.display(dagBundle(result.layout)); return;
      case "run":
        if (result.text) out(result.text);
        return this.#showRun(result.report, 0);
    }
  }

  /** Completion: lakeloop names in Model(...), filters and SQL; TypeScript's elsewhere. */
  async complete(code: string, cursorPos: number): Promise<{ matches: string[]; cursor_start: number; cursor_end: number }> {
    const index = codePointToIndex(code, cursorPos);
    const found = await completeCell(code, index, lakeNamesOf(this.session), this.#language);
    return { matches: found.matches, cursor_start: indexToCodePoint(code, found.start), cursor_end: indexToCodePoint(code, found.end) };
  }

  /** What the name under the cursor is: a table, a model, or a value of the cells. */
  async inspect(code: string, cursorPos: number): Promise<{ found: boolean; data: MimeBundle }> {
    const index = codePointToIndex(code, cursorPos);
    const left = /[\w$]*$/.exec(code.slice(0, index))?.[0] ?? "";
    const right = /^[\w$]*/.exec(code.slice(index))?.[0] ?? "";
    const name = left + right || code.trim();
    const model = this.session.definitions().find((d) => d.name === name);
    if (model) {
      const text = `model ${model.name} (${model.kind}), defined at ${model.at.cell}:${model.at.line}` +
        (model.kind === "ts" ? `\ninputs: ${Object.entries(model.inputs).map(([p, r]) => `${p} <- ${r.name}${r.columns ? `[${r.columns.join(", ")}]` : ""}${r.filter ? ` where ${r.filter}` : ""}`).join("; ")}` : `\n${model.sql}`);
      return { found: true, data: { "text/plain": text } };
    }
    if (await (await this.session.tables()).tableExists(name).catch(() => false)) {
      return { found: true, data: { "text/plain": await describeTable(this.session, name) } };
    }
    const info = this.#language.quickInfo(code, index);
    if (this.session.contextNames().includes(name)) {
      const value = this.session.contextValue(name);
      const type = info ? `${info.signature}\n${info.documentation}`.trim() : `${name}: ${typeof value}`;
      return { found: true, data: { "text/plain": `${type}\n\n${inspectValue(value, { depth: 2, colors: false }).slice(0, 2000)}` } };
    }
    if (info) return { found: true, data: { "text/plain": `${info.signature}${info.documentation ? `\n\n${info.documentation}` : ""}` } };
    return { found: false, data: {} };
  }
}
