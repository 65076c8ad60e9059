// Evaluating TypeScript cells in one persistent definitions context per session: the
// cell is transpiled (comments dropped, so they never reach a fingerprint), run as a
// script in a node:vm context whose `model`/`Model` register definitions, and its
// top-level declarations stay visible to later cells. A cell with top-level `await`
// runs inside an async function (its own declarations then stay inside it).
import * as vm from "node:vm";
import ts from "typescript";
import * as arrow from "apache-arrow";
import { collectDefinitions } from "../model/api.js";
import { expect, Model, model, Parameter } from "../model/cell-api.js";
import { DefinitionError, ModelSourceError, type ModelDefinition, type SourceLocation, type TsModelDefinition } from "../model/definition.js";
import type { ParameterDefinition } from "../params/parameter-set.js";
import { lineMapOf } from "./source-map.js";
import { locateFilters } from "./locate-filters.js";

export interface CellResult {
  definitions: ModelDefinition[];
  /** Parameters the cell declared with Parameter(...). */
  parameters: ParameterDefinition[];
  /** The value of the cell's last expression statement, if any. */
  value: unknown;
}

const API = { model, Model, Parameter, expect };

export class TsCellContext {
  readonly context: vm.Context;

  constructor(extra: Record<string, unknown> = {}) {
    const exports = {};
    const requireShim = (name: string) => {
      if (name === "lakeloop") return API;
      if (name === "apache-arrow") return arrow;
      throw new Error(`cells can import "lakeloop" and "apache-arrow"; models load their packages with await import("${name}") inside the function`);
    };
    this.context = vm.createContext({ ...API, arrow, console, exports, module: { exports }, require: requireShim, ...extra });
  }

  async evaluate(cell: string, source: string): Promise<CellResult> {
    const js = transpileCell(cell, source);
    const definitions: ModelDefinition[] = [];
    const parameters: ParameterDefinition[] = [];
    const locate = (stack: string | undefined) => locateInStack(stack, cell, js.originalLine);
    const value = await collectDefinitions({
      add: (d) => definitions.push(d),
      addParameter: (p) => parameters.push(p),
      locate,
    }, async () => {
      let script: vm.Script;
      try {
        script = new vm.Script(js.code, { filename: cellFileName(cell) });
      } catch (err) {
        throw new DefinitionError("SYNTAX", (err as Error).message, { cell, line: js.originalLine(syntaxLine(err)) });
      }
      try {
        return await script.runInContext(this.context, { timeout: 10_000 });
      } catch (err) {
        if (err instanceof ModelSourceError) throw placeInCell(err, js);
        if (err instanceof DefinitionError) throw err;
        const e = err as Error;
        const at = locate(e?.stack);
        throw new DefinitionError("CELL_FAILED", `${e?.name ?? "Error"}: ${e?.message ?? String(err)}`, at, err);
      }
    });
    for (const d of definitions) {
      if (d.kind !== "ts") continue;
      const at = js.code.indexOf(d.source);
      if (at < 0) continue;
      // A line of `js.code`, which already holds the async wrapper's first line when there is one.
      const first = js.code.slice(0, at).split("\n").length;
      d.sourceLine = js.originalLine(first);
      d.sourceLines = d.source.split("\n").map((_, i) => js.originalLine(first + i));
    }
    locateFilters(cell, source, definitions.filter((d): d is TsModelDefinition => d.kind === "ts"));
    return { definitions, parameters, value };
  }
}

/** A model function's error at its own line of the cell (the function may start lines below `model(`). */
function placeInCell(err: ModelSourceError, js: TranspiledCell): DefinitionError {
  const at = js.code.indexOf(err.source);
  if (at < 0 || !err.at) return err;
  const first = js.code.slice(0, at).split("\n").length;
  return new DefinitionError(err.code, err.detail, { cell: err.at.cell, line: js.originalLine(first + err.lineInSource) });
}

function cellFileName(cell: string): string {
  return `lakeloop-cell:${cell}`;
}

function syntaxLine(err: unknown): number {
  const m = /:(\d+)\n/.exec((err as Error).stack ?? "");
  return m ? Number(m[1]) : 1;
}

export function locateInStack(stack: string | undefined, cell: string, originalLine: (line: number) => number = (l) => l): SourceLocation {
  const name = cellFileName(cell).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${name}:(\\d+)`).exec(stack ?? "");
  return { cell, line: m ? originalLine(Number(m[1])) : 1 };
}

/** TypeScript to a script: imports become `require`, comments go, top-level await is wrapped. */
export interface TranspiledCell {
  code: string;
  wrapped: boolean;
  /** The cell's line (1-based) of a line of `code`. */
  originalLine(line: number): number;
}

export function transpileCell(cell: string, source: string): TranspiledCell {
  // As a .cts file under NodeNext: static imports become `require` (the cell is a
  // script), while a model's `await import("pkg")` stays a real dynamic import for its
  // thread to resolve in its environment (plain CommonJS output would turn it into require).
  const out = ts.transpileModule(source, {
    fileName: `${cell}.cts`,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, removeComments: true, esModuleInterop: false, sourceMap: true },
  });
  const error = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (error) {
    const line = error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start).line + 1 : 1;
    throw new DefinitionError("SYNTAX", ts.flattenDiagnosticMessageText(error.messageText, "\n"), { cell, line });
  }
  const lineMap = lineMapOf((JSON.parse(out.sourceMapText ?? "{}") as { mappings?: string }).mappings ?? "");
  // A .cts file is always a strict module: drop the `__esModule` marker and the "use
  // strict" directive (either would become the value of a cell that only declares; cells
  // stay sloppy scripts as before) but keep their lines, so the source map holds.
  const code = redeclarable(out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, "").replace(/^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/m, "").replace(/^"use strict";$/m, ""));
  const wrapped = hasTopLevelAwait(source);
  const shift = wrapped ? 1 : 0;
  const originalLine = (line: number) => {
    const generated = line - 1 - shift;
    for (let l = generated; l >= 0; l--) if (lineMap[l] !== undefined) return lineMap[l]! + 1;
    return 1;
  };
  if (!wrapped) return { code, wrapped, originalLine };
  return { code: `(async () => {\n${returnLastExpression(code, true)}\n})()`, wrapped, originalLine };
}

/**
 * Top-level `const`/`let` become `var`, so running a cell again (or redefining a name in
 * a later cell) replaces the binding instead of failing, as in a notebook.
 */
function redeclarable(code: string): string {
  const file = ts.createSourceFile("cell.js", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  let out = code;
  for (const statement of [...file.statements].reverse()) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    if (!(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) continue;
    const start = list.getStart();
    const keyword = list.flags & ts.NodeFlags.Const ? "const" : "let";
    out = out.slice(0, start) + "var" + out.slice(start + keyword.length);
  }
  return out;
}

function hasTopLevelAwait(source: string): boolean {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true);
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || ts.isFunctionLike(n)) return;
    if (n.kind === ts.SyntaxKind.AwaitExpression || (ts.isForOfStatement(n) && n.awaitModifier)) found = true;
    else ts.forEachChild(n, visit);
  };
  file.statements.forEach(visit);
  return found;
}

/** In an async wrapper the last expression statement must be returned to be the cell's value. */
function returnLastExpression(code: string, wrapped = false): string {
  if (!wrapped) return code;
  const file = ts.createSourceFile("cell.js", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const last = file.statements.at(-1);
  if (!last || !ts.isExpressionStatement(last)) return code;
  return code.slice(0, last.getStart()) + "return " + code.slice(last.getStart());
}
