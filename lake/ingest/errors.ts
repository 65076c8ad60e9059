// The error of data that cannot be imported: names the file and, where known, the line
// and the column.
export class ImportError extends Error {
  override name = "ImportError";
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
