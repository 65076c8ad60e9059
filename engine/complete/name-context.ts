// Which lakeloop names fit at a cursor in a TypeScript cell: inside `Model("…")` the
// names of tables and models; inside its `columns: ["…"]` or `filter: "…"` the columns
// of that table. Read from the cell's syntax tree, so it works while the user types
// (an unterminated string still parses as a string up to the end of the line).
import ts from "typescript";

export type NameContext =
  | { kind: "source"; word: string; start: number }
  | { kind: "column"; table: string; word: string; start: number }
  | { kind: "code" };

export function nameContextAt(source: string, index: number): NameContext {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true);
  const literal = stringAt(file, index);
  if (!literal) return { kind: "code" };
  const textStart = literal.getStart() + 1;
  const typed = source.slice(textStart, index);
  const call = (node: ts.Node | undefined): ts.CallExpression | undefined =>
    node && ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Model" ? node : undefined;
  const firstArgument = (c: ts.CallExpression) => {
    const a = c.arguments[0];
    return a && ts.isStringLiteralLike(a) ? a.text : undefined;
  };

  // Model("tra|")
  const direct = call(literal.parent);
  if (direct && direct.arguments[0] === literal) return { kind: "source", word: typed, start: textStart };

  // Model("t", { columns: ["i|"] }) or Model("t", { filter: "usd > 1 AND cou|" })
  let property: ts.Node = literal.parent;
  if (ts.isArrayLiteralExpression(property)) property = property.parent;
  if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) return { kind: "code" };
  const key = property.name.text;
  const owner = call(property.parent?.parent);
  const table = owner && firstArgument(owner);
  if (!table) return { kind: "code" };
  if (key === "columns" && ts.isArrayLiteralExpression(literal.parent)) return { kind: "column", table, word: typed, start: textStart };
  if (key === "filter" && literal.parent === property) {
    const word = /[A-Za-z_]\w*$/.exec(typed)?.[0] ?? "";
    return { kind: "column", table, word, start: index - word.length };
  }
  return { kind: "code" };
}

function stringAt(file: ts.SourceFile, index: number): ts.StringLiteralLike | undefined {
  let found: ts.StringLiteralLike | undefined;
  const visit = (node: ts.Node): void => {
    if (index < node.getStart() || index > node.getEnd()) return;
    if (ts.isStringLiteralLike(node) && index > node.getStart()) {
      // The cursor is inside when it is before the closing quote, or the string is unterminated.
      const closed = node.getEnd() - node.getStart() >= 2 && /["'`]$/.test(node.getText()) && node.getText().length > 1;
      if (index < node.getEnd() || !closed) found = node;
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
