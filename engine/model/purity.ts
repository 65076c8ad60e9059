// Models are pure functions of their inputs. A model's function may use its
// parameters, its own locals, standard JavaScript globals and dynamic `import()` of
// its packages — and nothing else from around it, because it runs later, elsewhere,
// in a thread that sees none of the cell's variables. Checked on the function's source
// with the TypeScript parser when the model is defined.
//
// This is a check of intent, not a sandbox: it catches a model that leans on the cell
// by mistake. Code that means to reach further can (`await import("node:fs")` is
// allowed, for one); what a model can reach is limited elsewhere (README, "What a model
// can reach"). As a courtesy it also refuses the common ways of compiling code from a
// string through a constructor (`[].constructor.constructor("…")`), which would hide
// the names it uses from this check.
import ts from "typescript";
import { ModelSourceError, type SourceLocation } from "./definition.js";

const GLOBALS = new Set([
  "undefined", "NaN", "Infinity", "Math", "JSON", "Date", "Array", "Object", "Number", "String", "Boolean", "BigInt", "Symbol",
  "Map", "Set", "WeakMap", "WeakSet", "Promise", "RegExp", "Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError",
  "EvalError", "URIError", "AggregateError", "Reflect", "Proxy", "Intl", "console", "structuredClone", "ArrayBuffer", "SharedArrayBuffer",
  "DataView", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array",
  "Float64Array", "BigInt64Array", "BigUint64Array", "TextEncoder", "TextDecoder", "parseInt", "parseFloat", "isNaN", "isFinite",
  "encodeURIComponent", "decodeURIComponent", "encodeURI", "decodeURI", "Atomics", "queueMicrotask", "arguments",
]);

function declaredNames(node: ts.Node, into: Set<string>): void {
  const bind = (name: ts.BindingName | undefined) => {
    if (!name) return;
    if (ts.isIdentifier(name)) into.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n)) bind(n.name);
    else if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassExpression(n)) && n.name) into.add(n.name.text);
    else if (ts.isCatchClause(n) && n.variableDeclaration) bind(n.variableDeclaration.name);
    else if (ts.isLabeledStatement(n)) into.add(n.label.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
}

/** Identifiers the function reads from outside itself, with their offsets. */
export function freeIdentifiers(source: string): { name: string; offset: number }[] {
  const file = ts.createSourceFile("model.js", `(${source})`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const declared = new Set<string>();
  declaredNames(file, declared);
  const free: { name: string; offset: number }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const parent = n.parent;
      const isReference =
        !(ts.isPropertyAccessExpression(parent) && parent.name === n) &&
        !(ts.isPropertyAssignment(parent) && parent.name === n) &&
        !(ts.isMethodDeclaration(parent) && parent.name === n) &&
        !(ts.isPropertyDeclaration(parent) && parent.name === n) &&
        !((ts.isGetAccessor(parent) || ts.isSetAccessor(parent)) && parent.name === n) &&
        !(ts.isBindingElement(parent) && parent.propertyName === n) &&
        !((ts.isBreakStatement(parent) || ts.isContinueStatement(parent) || ts.isLabeledStatement(parent)) && parent.label === n) &&
        !ts.isTypeNode(parent);
      if (isReference && !declared.has(n.text) && !GLOBALS.has(n.text)) free.push({ name: n.text, offset: n.getStart() - 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return free;
}

const unwrap = (n: ts.Expression): ts.Expression => (ts.isParenthesizedExpression(n) ? unwrap(n.expression) : n);

const isConstructorAccess = (n: ts.Node): n is ts.PropertyAccessExpression | ts.ElementAccessExpression =>
  (ts.isPropertyAccessExpression(n) && n.name.text === "constructor") ||
  (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression) && n.argumentExpression.text === "constructor");

/** Text, or text glued to something: what a Function-like constructor compiles. */
function isTextual(expression: ts.Expression | undefined): boolean {
  if (!expression) return false;
  const n = unwrap(expression);
  if (ts.isStringLiteralLike(n) || ts.isTemplateExpression(n)) return true;
  return ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken && (isTextual(n.left) || isTextual(n.right));
}

/**
 * Where the function reaches the Function constructor through `constructor`: a
 * `.constructor.constructor` chain (any value's class's class is Function), or a call
 * of some `.constructor` with text (`fn.constructor("return …")`). A typed array's
 * `new values.constructor(n)` stays allowed.
 */
export function codeFromText(source: string): { offset: number } | undefined {
  const file = ts.createSourceFile("model.js", `(${source})`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  let found: number | undefined;
  const visit = (n: ts.Node): void => {
    if (found !== undefined) return;
    const chained = isConstructorAccess(n) && isConstructorAccess(unwrap(n.expression));
    const compiled = (ts.isCallExpression(n) || ts.isNewExpression(n)) && isConstructorAccess(unwrap(n.expression)) && isTextual(n.arguments?.[0]);
    if (chained || compiled) found = n.getStart() - 1;
    else ts.forEachChild(n, visit);
  };
  visit(file);
  return found === undefined ? undefined : { offset: found };
}

const linesBefore = (source: string, offset: number): number => source.slice(0, offset).match(/\n/g)?.length ?? 0;

export function checkPurity(model: string, source: string, at: SourceLocation): void {
  const compiled = codeFromText(source);
  if (compiled) {
    throw new ModelSourceError("IMPURE_MODEL",
      `model "${model}" compiles code from text through a constructor (Function by another name), which hides what it uses: ` +
      "write the code in the function itself", at, source, linesBefore(source, compiled.offset));
  }
  const free = freeIdentifiers(source);
  if (free.length === 0) return;
  const names = [...new Set(free.map((f) => f.name))];
  throw new ModelSourceError("IMPURE_MODEL",
    `model "${model}" uses ${names.map((n) => `"${n}"`).join(", ")} from outside its function; a model sees only its inputs ` +
    `(and packages through await import(...)): pass it as an input, or move it inside the function`, at, source, linesBefore(source, free[0]!.offset));
}
