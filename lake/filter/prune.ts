// Pruning by statistics: may any row of a file or row group satisfy the filter, given
// each column's min, max and null count? Conservative: unknown statistics never prune.
// NOT is handled exactly by asking the dual question "may some row make this FALSE?"
// (a NULL comparison is neither true nor false, as in SQL).
import type { Scalar } from "../schema.js";
import { compareScalars } from "./compare.js";
import type { FilterExpr } from "./filter.js";

export interface ColumnStats {
  /** Smallest and largest non-null value. */
  min?: Scalar;
  max?: Scalar;
  nullCount?: number;
  /** Values including nulls (the row count). */
  valueCount?: number;
  /**
   * May some value equal `v`? What a bucket partition knows: only values of its bucket
   * are there. Absent: any value in [min, max] may be.
   */
  mayEqual?: (v: Scalar) => boolean;
}

export type StatsOf = (fieldId: number) => ColumnStats | undefined;

interface Range {
  mayEqual?: (v: Scalar) => boolean;
  min?: Scalar;
  max?: Scalar;
  /** No non-null value at all. */
  allNull: boolean;
  nullCount?: number;
  valueCount?: number;
}

function rangeOf(stats: ColumnStats | undefined): Range {
  const allNull = stats?.nullCount !== undefined && stats.valueCount !== undefined && stats.nullCount >= stats.valueCount;
  return { min: stats?.min ?? undefined, max: stats?.max ?? undefined, allNull, nullCount: stats?.nullCount, valueCount: stats?.valueCount, mayEqual: stats?.mayEqual };
}

const lt = (a: Scalar | undefined, b: Scalar) => a === undefined || compareScalars(a, b) < 0;
const le = (a: Scalar | undefined, b: Scalar) => a === undefined || compareScalars(a, b) <= 0;
const gt = (a: Scalar | undefined, b: Scalar) => a === undefined || compareScalars(a, b) > 0;
const ge = (a: Scalar | undefined, b: Scalar) => a === undefined || compareScalars(a, b) >= 0;
const isPoint = (r: Range, v: Scalar) => r.min !== undefined && r.max !== undefined && compareScalars(r.min, v) === 0 && compareScalars(r.max, v) === 0;

/** [may some row be TRUE, may some row be FALSE] */
function possible(expr: FilterExpr, stats: StatsOf): [boolean, boolean] {
  switch (expr.kind) {
    case "literal": return [expr.value, !expr.value];
    case "not": {
      const [t, f] = possible(expr.arg, stats);
      return [f, t];
    }
    case "and": {
      const parts = expr.args.map((a) => possible(a, stats));
      return [parts.every(([t]) => t), parts.some(([, f]) => f)];
    }
    case "or": {
      const parts = expr.args.map((a) => possible(a, stats));
      return [parts.some(([t]) => t), parts.every(([, f]) => f)];
    }
    case "isNull": {
      const r = rangeOf(stats(expr.field.id));
      const someNull = r.nullCount === undefined || r.nullCount > 0;
      const someValue = !r.allNull;
      return expr.negated ? [someValue, someNull] : [someNull, someValue];
    }
    default: {
      const r = rangeOf(stats(expr.field.id));
      if (r.allNull) return [false, false];
      let result: [boolean, boolean];
      if (expr.kind === "compare") {
        const v = expr.value;
        switch (expr.op) {
          case "=": result = [le(r.min, v) && ge(r.max, v) && (r.mayEqual?.(v) ?? true), !isPoint(r, v)]; break;
          case "!=": result = [!isPoint(r, v), le(r.min, v) && ge(r.max, v) && (r.mayEqual?.(v) ?? true)]; break;
          case "<": result = [lt(r.min, v), ge(r.max, v)]; break;
          case "<=": result = [le(r.min, v), gt(r.max, v)]; break;
          case ">": result = [gt(r.max, v), le(r.min, v)]; break;
          case ">=": result = [ge(r.max, v), lt(r.min, v)]; break;
        }
      } else if (expr.kind === "between") {
        const inside = ge(r.max, expr.low) && le(r.min, expr.high);
        const outside = lt(r.min, expr.low) || gt(r.max, expr.high);
        result = expr.negated ? [outside, inside] : [inside, outside];
      } else {
        const inside = expr.values.some((v) => v !== null && le(r.min, v) && ge(r.max, v) && (r.mayEqual?.(v) ?? true));
        const outside = !expr.values.some((v) => v !== null && isPoint(r, v));
        result = expr.negated ? [outside, inside] : [inside, outside];
      }
      return result;
    }
  }
}

/** False only when no row can satisfy the filter. */
export function mightMatch(expr: FilterExpr, stats: StatsOf): boolean {
  return possible(expr, stats)[0];
}

/**
 * True only when every row satisfies the filter: no row can make it false, and no
 * column it reads holds a null (a NULL comparison keeps no row). Such row groups are
 * kept whole by scans, without evaluating the filter row by row.
 */
export function mustMatch(expr: FilterExpr, stats: StatsOf, fieldIds: number[]): boolean {
  return fieldIds.every((id) => stats(id)?.nullCount === 0) && !possible(expr, stats)[1];
}
