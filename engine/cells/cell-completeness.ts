// Whether a cell is ready to run: unclosed brackets, strings or template literals mean
// "incomplete" (the front end waits for more lines), a TypeScript syntax error means
// "invalid"; `%` line magics are complete, and a `%%sql` cell is complete once it has a
// query under its header line (the header alone waits for the query). Shared by the
// kernel (is_complete_request) and the REPL.
import ts from "typescript";

export type Completeness = "complete" | "incomplete" | "invalid";

export function cellCompleteness(code: string): Completeness {
  const trimmed = code.trim();
  if (trimmed.startsWith("%%")) return hasCellBody(trimmed) ? "complete" : "incomplete";
  if (trimmed === "" || trimmed.startsWith("%")) return "complete";
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, code);
  const stack: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (scanner.isUnterminated()) return "incomplete";
    const text = scanner.getTokenText();
    if (token === ts.SyntaxKind.OpenParenToken || token === ts.SyntaxKind.OpenBracketToken || token === ts.SyntaxKind.OpenBraceToken) stack.push(text);
    else if (token === ts.SyntaxKind.CloseParenToken || token === ts.SyntaxKind.CloseBracketToken) {
      if (stack.pop() !== pairs[text]) return "invalid";
    } else if (token === ts.SyntaxKind.CloseBraceToken) {
      // A `}` may close a template substitution: let the scanner continue the template.
      if (stack.at(-1) === "${") {
        stack.pop();
        const rest = scanner.reScanTemplateToken(false);
        if (scanner.isUnterminated()) return "incomplete";
        if (rest === ts.SyntaxKind.TemplateMiddle) stack.push("${");
      } else if (stack.pop() !== "{") return "invalid";
    } else if (token === ts.SyntaxKind.TemplateHead) stack.push("${");
    else if (token === ts.SyntaxKind.SlashToken || token === ts.SyntaxKind.SlashEqualsToken) {
      // Could be a regular expression literal; rescan so its body is not read as code.
      const re = scanner.reScanSlashToken();
      if (re === ts.SyntaxKind.RegularExpressionLiteral && scanner.isUnterminated()) return "invalid";
    }
  }
  if (stack.length > 0) return "incomplete";
  const out = ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  return out.diagnostics?.some((d) => d.category === ts.DiagnosticCategory.Error) ? "invalid" : "complete";
}

/** Whether a cell magic has anything but blanks and semicolons under its header line. */
function hasCellBody(cell: string): boolean {
  const newline = cell.indexOf("\n");
  return newline >= 0 && cell.slice(newline + 1).replace(/;/g, "").trim() !== "";
}
