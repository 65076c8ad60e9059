// A cell's failure as a front end shows it: what the cell threw (its own name and
// message, not the wrapper's), and where in which cell.
import { DefinitionError, type SourceLocation } from "../model/definition.js";
import { redact, secretsOf } from "../../secrets/redact.js";

export interface CellError {
  name: string;
  message: string;
  at?: SourceLocation;
}

// What a cell throws comes from the cells' own realm (node:vm), where `instanceof Error` fails.
const isErrorLike = (value: unknown): value is Error =>
  typeof value === "object" && value !== null && typeof (value as Error).message === "string" && typeof (value as Error).name === "string";

/** What a cell's failure says, with credential-like environment values redacted. */
export function cellErrorOf(err: unknown): CellError {
  const e = rawCellError(err);
  return { ...e, message: redact(e.message, secretsOf(process.env)) };
}

function rawCellError(err: unknown): CellError {
  if (err instanceof DefinitionError) {
    if (err.code === "CELL_FAILED" && isErrorLike(err.cause)) return { name: err.cause.name, message: err.cause.message, at: err.at };
    return { name: err.name, message: err.message, at: err.at };
  }
  if (isErrorLike(err)) return { name: err.name, message: err.message };
  return { name: "Error", message: String(err) };
}
