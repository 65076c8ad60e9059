// What one cell came to, as the REPL shows it: a run with its report, a value, a table,
// a command's text, an error with where it happened in the cell, or a request to clear
// the screen or leave.
import type { Table } from "apache-arrow";
import type { RunReport } from "../engine/session.js";

export type Outcome =
  | { kind: "run"; report: RunReport }
  | { kind: "value"; text: string }
  /** A table the cell evaluated to (`await result("m")`): named after the model when it is one. */
  | { kind: "table"; name: string; table: Table }
  | { kind: "text"; text: string }
  | { kind: "error"; message: string; source: string; line?: number }
  | { kind: "exit" }
  | { kind: "clear" };

