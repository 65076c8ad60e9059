// Which parameters a TypeScript model reads through its second argument's `params`
// (`(inputs, { params }) => … params.start …`, `ctx.params.start`, `const { start } =
// ctx.params`), read from the function's syntax tree. These names, and only these, go
// into the model's fingerprint and its `ctx.params`. A use the tree cannot pin to names
// (`params[key]`, `params` handed to another function, `arguments`) means "all": the
// model then depends on every parameter, which is safe, only less precise.
import ts from "typescript";

export type ParamsUsed = Set<string> | "all";

const nameOfKey = (n: ts.Expression): string | undefined => (ts.isStringLiteralLike(n) ? n.text : undefined);

/** The names a binding pattern takes out of a params object, or "all" for a rest element. */
function namesOfPattern(pattern: ts.ObjectBindingPattern): ParamsUsed {
  const names = new Set<string>();
  for (const element of pattern.elements) {
    if (element.dotDotDotToken) return "all";
    const key = element.propertyName ?? element.name;
    if (ts.isIdentifier(key) || ts.isStringLiteralLike(key)) names.add(key.text);
    else return "all";
  }
  return names;
}

/** Adds `more` to `into`; false when `more` is "all" (the caller then answers "all"). */
function merge(into: Set<string>, more: ParamsUsed): boolean {
  if (more === "all") return false;
  more.forEach((n) => into.add(n));
  return true;
}

/** Identifiers named `name` inside `scope` that read the binding (not property names, not the declaration). */
function referencesTo(name: string, scope: ts.Node, declaration: ts.Node): ts.Identifier[] {
  const found: ts.Identifier[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === name && n !== declaration) {
      const p = n.parent;
      const isName = (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) ||
        (ts.isBindingElement(p) && p.propertyName === n);
      if (!isName) found.push(n);
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}

/** What an expression that evaluates to the params object takes from it. */
function usesOfParamsObject(ref: ts.Expression): ParamsUsed {
  const p = ref.parent;
  if (ts.isPropertyAccessExpression(p) && p.expression === ref) return new Set([p.name.text]);
  if (ts.isElementAccessExpression(p) && p.expression === ref) {
    const key = nameOfKey(p.argumentExpression);
    return key === undefined ? "all" : new Set([key]);
  }
  if (ts.isVariableDeclaration(p) && p.initializer === ref && ts.isObjectBindingPattern(p.name)) return namesOfPattern(p.name);
  return "all";
}

/** Uses of a binding that holds the params object. */
function usesOfParamsBinding(name: ts.BindingName, scope: ts.Node): ParamsUsed {
  if (ts.isObjectBindingPattern(name)) return namesOfPattern(name);
  if (!ts.isIdentifier(name)) return "all";
  const used = new Set<string>();
  for (const ref of referencesTo(name.text, scope, name)) if (!merge(used, usesOfParamsObject(ref))) return "all";
  return used;
}

/** Uses of a binding that holds the whole context (`ctx`): only `ctx.params…` reads parameters. */
function usesOfContextBinding(name: ts.BindingName, scope: ts.Node): ParamsUsed {
  const used = new Set<string>();
  if (ts.isObjectBindingPattern(name)) {
    for (const element of name.elements) {
      if (element.dotDotDotToken) return "all";
      const key = element.propertyName ?? element.name;
      if (!ts.isIdentifier(key) && !ts.isStringLiteralLike(key)) return "all";
      if (key.text === "params" && !merge(used, usesOfParamsBinding(element.name, scope))) return "all";
    }
    return used;
  }
  if (!ts.isIdentifier(name)) return "all";
  for (const ref of referencesTo(name.text, scope, name)) {
    const p = ref.parent;
    if (ts.isPropertyAccessExpression(p) && p.expression === ref) {
      // ctx.arrow and ctx.log read no parameter.
      if (p.name.text === "params" && !merge(used, usesOfParamsObject(p))) return "all";
    } else if (!(ts.isVariableDeclaration(p) && p.initializer === ref && ts.isObjectBindingPattern(p.name) && merge(used, usesOfContextBinding(p.name, scope)))) {
      return "all";
    }
  }
  return used;
}

/** The parameters a model's function (its JavaScript source) reads. */
export function paramsUsedBy(source: string): ParamsUsed {
  const file = ts.createSourceFile("model.js", `(${source})`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const first = file.statements[0];
  let fn: ts.Expression | undefined = first && ts.isExpressionStatement(first) ? first.expression : undefined;
  while (fn && ts.isParenthesizedExpression(fn)) fn = fn.expression;
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return "all";
  let readsArguments = false;
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === "arguments") readsArguments = true;
    ts.forEachChild(n, visit);
  };
  visit(fn.body);
  if (readsArguments) return "all";
  if (fn.parameters.slice(0, 2).some((p) => p.dotDotDotToken)) return "all";
  const context = fn.parameters[1];
  if (!context) return new Set();
  return usesOfContextBinding(context.name, fn);
}
