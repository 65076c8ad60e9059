// Errors of the columnar floor: a type that cannot cross between Arrow and DuckDB.
export class UnsupportedTypeError extends Error {
  override name = "UnsupportedTypeError";
  readonly code = "UNSUPPORTED_TYPE";
}
