// Models are pure functions of their inputs. A model's function may use its
// parameters, its own locals, standard JavaScript globals and dynamic `import()` of
// its packages — and nothing else from around it, because it runs later, elsewhere,
// in a thread that sees none of the cell's variables. Checked on the function's source
// with the TypeScript parser when the model is defined.
import ts from "typescript";
import { DefinitionError, type SourceLocation } from "./definition.js";

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

export function checkPurity(model: string, source: string, at: SourceLocation): void {
  const free = freeIdentifiers(source);
  if (free.length === 0) return;
  const names = [...new Set(free.map((f) => f.name))];
  const line = at.line + (source.slice(0, free[0]!.offset).match(/\n/g)?.length ?? 0);
  throw new DefinitionError("IMPURE_MODEL",
    `model "${model}" uses ${names.map((n) => `"${n}"`).join(", ")} from outside its function; a model sees only its inputs ` +
    `(and packages through await import(...)): pass it as an input, or move it inside the function`, { cell: at.cell, line });
}
