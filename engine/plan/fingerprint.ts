// Fingerprints: a node's identity as a hash of everything its output depends on —
// its name, normalized code, options and runtime, the values of the parameters it uses,
// its parents' fingerprints and, for scans, the table, snapshot and normalized request
// (whose filter holds its parameters' values). Equal fingerprints, equal outputs.
import { createHash } from "node:crypto";
import ts from "typescript";
import { formatFilter } from "../../lake/filter/format-filter.js";
import type { Graph, GraphNode } from "../dag/graph.js";

export function hashOf(value: unknown): string {
  const canonical = JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? `${v}n` : v));
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/**
 * A function's code printed canonically: whitespace, line breaks, comments and optional
 * semicolons and trailing commas never matter. TypeScript's printer settles semicolons and spacing but keeps
 * a block's or an object's line breaks as written, so its output is then read back as
 * tokens joined by one space (a template's or a regular expression's text kept whole).
 */
export function normalizeCode(source: string): string {
  const file = ts.createSourceFile("model.js", `(${source})`, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const printed = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed }).printFile(file);
  return tokensOf(printed).join(" ");
}

function tokensOf(code: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, true, ts.LanguageVariant.Standard, code);
  const tokens: string[] = [];
  // Open template substitutions and other braces, to tell a `}` that resumes a template.
  const braces: ("template" | "brace")[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.TemplateHead) braces.push("template");
    else if (token === ts.SyntaxKind.OpenBraceToken) braces.push("brace");
    else if (token === ts.SyntaxKind.CloseBraceToken && braces.pop() === "template") {
      if (scanner.reScanTemplateToken(false) === ts.SyntaxKind.TemplateMiddle) braces.push("template");
    } else if (token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) {
      const previous = tokens.at(-1);
      // After a value a slash divides; elsewhere it opens a regular expression.
      if (previous === undefined || !/^[\w$)\]]/.test(previous) || /^(return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/.test(previous)) scanner.reScanSlashToken();
    }
    const text = scanner.getTokenText();
    // A trailing comma changes nothing (an array's hole, ", ," or "[,", excepted).
    if ((text === "}" || text === "]" || text === ")") && tokens.at(-1) === "," && tokens.at(-2) !== "," && tokens.at(-2) !== "[") tokens.pop();
    tokens.push(text);
  }
  return tokens;
}

/** The parts of a node's identity, kept to explain why a node must run again. */
export interface NodeParts {
  fingerprint: string;
  code: string;
  options: string;
  inputs: Record<string, string>;
  snapshotId?: number | null;
  /** The values of the parameters the node's code uses (SQL `$name`, a model's `params.name`). */
  params?: Record<string, string | number>;
}

export function fingerprintAll(graph: Graph): Map<string, NodeParts> {
  const parts = new Map<string, NodeParts>();
  for (const key of graph.topological()) parts.set(key, partsOf(graph.get(key), parts));
  return parts;
}

function partsOf(node: GraphNode, done: Map<string, NodeParts>): NodeParts {
  const inputs: Record<string, string> = {};
  if (node.kind !== "scan") for (const [name, key] of Object.entries(node.inputs)) inputs[name] = done.get(key)!.fingerprint;
  let code: string;
  let options: string;
  if (node.kind === "scan") {
    code = hashOf({ table: node.tableUuid, columns: node.columns, filter: node.filter ? formatFilter(node.filter.expr) : null });
    options = "";
    return { fingerprint: hashOf({ kind: "scan", code, snapshot: node.snapshotId }), code, options, inputs, snapshotId: node.snapshotId };
  }
  if (node.kind === "ts") {
    const { timeoutMs, memoryMb, runtime } = node.definition.options;
    // An expectation's module wraps the function (engine/plan/model-source.ts): it is other code.
    code = hashOf(node.check ? { expectation: normalizeCode(node.definition.source) } : normalizeCode(node.definition.source));
    options = hashOf({ timeoutMs: timeoutMs ?? null, memoryMb: memoryMb ?? null, runtime: runtime ?? null });
  } else {
    code = hashOf(node.normalized);
    options = "";
  }
  // `materialize` and an expectation's severity are effects, not part of the output: they
  // stay out of the fingerprint. The name is in: two models of one code over the same
  // inputs are two nodes of a plan (each with its own materialization and report).
  if (!node.params) return { fingerprint: hashOf({ kind: node.kind, name: node.name, code, options, inputs }), code, options, inputs };
  const params = Object.fromEntries(Object.entries(node.params).map(([name, p]) => [name, p.value]));
  return { fingerprint: hashOf({ kind: node.kind, name: node.name, code, options, inputs, params: node.params }), code, options, inputs, params };
}
