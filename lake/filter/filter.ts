// A parsed, type-checked row filter: the typed expression that the SQL text of a
// `filter:` becomes once, then serves both statistics pruning (lake/scan) and
// vectorized row filtering (cache/ scans). Column references carry their field, and
// every literal is already coerced to the column's type (see Scalar in ../schema.ts).
import type { PrimitiveField as Field, Scalar } from "../schema.js";

export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

export type FilterExpr =
  | { kind: "and"; args: FilterExpr[] }
  | { kind: "or"; args: FilterExpr[] }
  | { kind: "not"; arg: FilterExpr }
  /** column op literal (a literal on the left is flipped onto the right when parsed). */
  | { kind: "compare"; op: CompareOp; field: Field; value: Scalar }
  | { kind: "between"; field: Field; low: Scalar; high: Scalar; negated: boolean }
  | { kind: "in"; field: Field; values: Scalar[]; negated: boolean }
  | { kind: "isNull"; field: Field; negated: boolean }
  | { kind: "literal"; value: boolean };

export interface Filter {
  /** The filter text as the user wrote it. */
  text: string;
  expr: FilterExpr;
  /** Field ids the filter reads, in schema order. */
  fieldIds: number[];
}
