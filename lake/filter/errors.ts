// The error of a filter that cannot be used: quotes the filter and underlines the part
// at fault with carets.
export type FilterErrorCode = "FILTER_SYNTAX" | "FILTER_UNKNOWN_COLUMN" | "FILTER_TYPE";

export class FilterError extends Error {
  override name = "FilterError";
  constructor(readonly code: FilterErrorCode, readonly reason: string, readonly text: string, readonly start: number, readonly end: number) {
    const width = Math.max(1, end - start);
    super(`${reason}\n  ${text}\n  ${" ".repeat(start)}${"^".repeat(width)}`);
  }
}
