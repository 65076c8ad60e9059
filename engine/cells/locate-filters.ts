// Where a cell writes each model's filters: a bad filter's error points at the line
// holding the filter's text, not at the line where the model's call begins. Found in the
// cell's syntax tree as the string literal whose value is the filter, the first one at
// or after the model's own line (two models with one filter each get their own).
import ts from "typescript";
import type { TsModelDefinition } from "../model/definition.js";

interface Literal {
  text: string;
  line: number;
}

function stringLiterals(source: string): Literal[] {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true);
  const found: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      found.push({ text: node.text, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Sets each definition's `filterAt` from the cell's source (filters built at run time stay at the model's line). */
export function locateFilters(cell: string, source: string, definitions: TsModelDefinition[]): void {
  if (!definitions.some((d) => Object.values(d.inputs).some((ref) => ref.filter))) return;
  const literals = stringLiterals(source);
  for (const d of definitions) {
    for (const [param, ref] of Object.entries(d.inputs)) {
      if (!ref.filter) continue;
      const same = literals.filter((l) => l.text === ref.filter);
      // A filter written before the model's line (an input declared in a variable above) is still the one it uses.
      const literal = same.find((l) => l.line >= d.at.line) ?? same[0];
      if (literal && d.at.cell === cell) (d.filterAt ??= {})[param] = { cell, line: literal.line };
    }
  }
}
