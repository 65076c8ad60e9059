// What TypeScript knows at a cursor in a cell: completions, quick info and type errors
// from the TypeScript language service, over one virtual file that holds the cells run so far
// (so a name defined three cells ago completes) followed by the cell being edited, with
// lakeloop's API and the front end's helpers declared as globals.
import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export interface Completion {
  name: string;
  /** "function", "const", "property", "method", "keyword", ... (TypeScript's kinds). */
  kind: string;
}

export interface QuickInfo {
  /** The declaration as TypeScript prints it, e.g. `const total: number`. */
  signature: string;
  documentation: string;
}

// The model API's declarations: the compiled .d.ts next to compiled code, the source
// when running from sources (tests).
function apiModulePath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const declaration = path.join(here, "..", "model", "cell-api.d.ts");
  return existsSync(declaration) ? declaration : path.join(here, "..", "model", "cell-api.ts");
}

const GLOBALS = `
/** Registers a TypeScript model: a pure function of its inputs (Arrow tables) to a table. model(name, { input: Model(...) }, ({ input }) => table, { materialize?, overwriteInput?, runtime?, timeoutMs?, memoryMb? }) */
declare const model: typeof import("lakeloop").model;
/** A declared input: a lake table (with the columns and filter to scan) or another model. Model("transactions", { columns: ["id"], filter: "usd > 10" }) */
declare const Model: typeof import("lakeloop").Model;
/** Declares a parameter: Parameter("start", "2023-01-01") (string, number, date or timestamp, from the default) or Parameter("day", { type: "date", default: "2023-01-01" }). Filters and SQL use it as $start; a model reads it as params.start from its second argument. */
declare const Parameter: typeof import("lakeloop").Parameter;
/** An expectation on a model's output: expect("name", { model: "m", severity?: "error" | "warn" }, (t) => true | false | "message" | rows); standard checks: expect.notNull, unique, acceptedValues, range, rowCount, freshness. */
declare const expect: typeof import("lakeloop").expect;
/** Apache Arrow (the apache-arrow package): tableFromArrays, vectorFromArray, ... */
declare const arrow: typeof import("apache-arrow");
/** A model's output as one Arrow table, running what it needs first (reusing what is resident). */
declare function result(model: string): Promise<import("apache-arrow").Table>;
declare const console: { log(...values: unknown[]): void; info(...values: unknown[]): void; debug(...values: unknown[]): void; warn(...values: unknown[]): void; error(...values: unknown[]): void };
`;

export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
  /** TypeScript's error code, e.g. 2322. */
  code: number;
}

// Errors that come from holding every cell in one file, not from the cell: running a
// cell again declares its names again (2451, 2300, 2393, 2403), and a file without
// imports is a script, where top-level await is refused (1375, 1378, 1431, 1432).
const NOTEBOOK_ONLY = new Set([2451, 2300, 2393, 2403, 1375, 1378, 1431, 1432]);

export class CellLanguage {
  readonly #root: string;
  readonly #cellsFile: string;
  readonly #globalsFile: string;
  #history = "";
  #current = "";
  #version = 0;
  readonly #service: ts.LanguageService;

  /** `globals`: declarations of the front end's own helpers (display, input, ...). */
  constructor(globals = "") {
    this.#root = path.resolve(path.dirname(apiModulePath()), "..", "..");
    this.#cellsFile = path.join(this.#root, "__lakeloop_cells__.ts");
    this.#globalsFile = path.join(this.#root, "__lakeloop_globals__.d.ts");
    const globalsText = GLOBALS + globals;
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      lib: ["lib.es2023.d.ts"],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: false,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      baseUrl: this.#root,
      paths: { lakeloop: [apiModulePath()] },
    };
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [this.#globalsFile, this.#cellsFile],
      getScriptVersion: (file) => (file === this.#cellsFile ? String(this.#version) : "0"),
      getScriptSnapshot: (file) => {
        if (file === this.#cellsFile) return ts.ScriptSnapshot.fromString(this.#text());
        if (file === this.#globalsFile) return ts.ScriptSnapshot.fromString(globalsText);
        const text = ts.sys.readFile(file);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => this.#root,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (file) => file === this.#cellsFile || file === this.#globalsFile || ts.sys.fileExists(file),
      readFile: (file) => (file === this.#globalsFile ? globalsText : ts.sys.readFile(file)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    this.#service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** A cell that ran: its declarations are visible to the cells after it. */
  remember(source: string): void {
    this.#history += `${source}\n;\n`;
    this.#version++;
  }

  /** Completions at `index` (UTF-16) in `source`, the cell being edited. */
  completions(source: string, index: number): Completion[] {
    const at = this.#edit(source) + index;
    const result = this.#service.getCompletionsAtPosition(this.#cellsFile, at, { includeCompletionsWithInsertText: false });
    if (!result) return [];
    return result.entries
      .filter((e) => !e.name.startsWith("__lakeloop"))
      .sort((a, b) => a.sortText.localeCompare(b.sortText) || a.name.localeCompare(b.name))
      .map((e) => ({ name: e.name, kind: e.kind }));
  }

  /** The type and documentation of the identifier at `index` in `source`, if any. */
  quickInfo(source: string, index: number): QuickInfo | undefined {
    const at = this.#edit(source) + index;
    const info = this.#service.getQuickInfoAtPosition(this.#cellsFile, at) ?? this.#service.getQuickInfoAtPosition(this.#cellsFile, Math.max(0, at - 1));
    if (!info) return undefined;
    return { signature: ts.displayPartsToString(info.displayParts), documentation: ts.displayPartsToString(info.documentation) };
  }

  /**
   * TypeScript's type errors in `source`, the cell about to run, with the cell's own
   * line and column (1-based). Errors that only come from cells sharing one file here
   * (a name declared again, top-level await outside a module) are left out.
   */
  diagnostics(source: string): CellDiagnostic[] {
    const start = this.#edit(source);
    const end = start + source.length;
    const program = this.#service.getProgram();
    const file = program?.getSourceFile(this.#cellsFile);
    if (!file) return [];
    const firstLine = file.getLineAndCharacterOfPosition(start).line;
    return [...this.#service.getSyntacticDiagnostics(this.#cellsFile), ...this.#service.getSemanticDiagnostics(this.#cellsFile)]
      .filter((d) => d.category === ts.DiagnosticCategory.Error && d.start !== undefined && d.start >= start && d.start < end && !NOTEBOOK_ONLY.has(d.code))
      .map((d) => {
        const at = file.getLineAndCharacterOfPosition(d.start!);
        return { line: at.line - firstLine + 1, column: at.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, "\n"), code: d.code };
      });
  }

  /** Puts `source` after the history; returns where it starts. */
  #edit(source: string): number {
    if (source !== this.#current) {
      this.#current = source;
      this.#version++;
    }
    return this.#history.length;
  }

  #text(): string {
    return this.#history + this.#current;
  }
}
