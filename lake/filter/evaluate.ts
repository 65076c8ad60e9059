// Evaluating a filter over Arrow record batches, vectorized: each predicate runs over a
// column's typed array and validity bits into a mask of SQL truth values (0 false,
// 1 true, 2 null), and AND/OR/NOT combine masks with three-valued logic. Strings are
// compared as UTF-8 bytes; dictionary columns are tested once per dictionary entry.
import { DataType, type Data, type RecordBatch } from "apache-arrow";
import { unscaledDecimalAt } from "../arrow-decimal.js";
import type { Scalar } from "../schema.js";
import { decimalTypeOf } from "../value-text.js";
import { compareScalars } from "./compare.js";
import type { CompareOp, FilterExpr } from "./filter.js";

const FALSE = 0;
const TRUE = 1;
const NULL = 2;

type Test = (value: Scalar) => boolean;

function testOf(expr: Exclude<FilterExpr, { kind: "and" | "or" | "not" | "literal" | "isNull" }>): Test {
  const cmp = (op: CompareOp, v: Scalar): Test => {
    switch (op) {
      case "=": return (x) => compareScalars(x, v) === 0;
      case "!=": return (x) => compareScalars(x, v) !== 0;
      case "<": return (x) => compareScalars(x, v) < 0;
      case "<=": return (x) => compareScalars(x, v) <= 0;
      case ">": return (x) => compareScalars(x, v) > 0;
      case ">=": return (x) => compareScalars(x, v) >= 0;
    }
  };
  if (expr.kind === "compare") return cmp(expr.op, expr.value);
  if (expr.kind === "between") {
    const { low, high, negated } = expr;
    return (x) => (compareScalars(x, low) >= 0 && compareScalars(x, high) <= 0) !== negated;
  }
  const set = expr.values.filter((v) => v !== null);
  return (x) => set.some((v) => compareScalars(x, v) === 0) !== expr.negated;
}

function isValid(data: Data, i: number): boolean {
  const bits = data.nullBitmap;
  if (data.nullCount === 0 || !bits || bits.length === 0) return true;
  const at = data.offset + i;
  return (bits[at >> 3]! & (1 << (at & 7))) !== 0;
}

/**
 * Number comparisons on typed arrays without boxing, for the common numeric case. Two
 * copies of the loops, one for numbers and one for bigints (longs, timestamps), on
 * purpose: each keeps its comparisons monomorphic, which a shared loop does not (the
 * timestamp and amount tests of one filter would share it). Nulls are settled after.
 */
function numericKernel(expr: FilterExpr, values: ArrayLike<number> | BigInt64Array, out: Uint8Array, data: Data): boolean {
  if (expr.kind !== "compare" && expr.kind !== "between") return false;
  const big = values instanceof BigInt64Array;
  const lo = expr.kind === "compare" ? expr.value : expr.low;
  const hi = expr.kind === "compare" ? expr.value : expr.high;
  if (typeof lo !== (big ? "bigint" : "number") || typeof hi !== (big ? "bigint" : "number")) return false;
  const op = expr.kind === "between" ? (expr.negated ? "not between" : "between") : expr.op;
  if (big) compareBigints(values as BigInt64Array, op, lo as bigint, hi as bigint, out, data.length);
  else compareNumbers(values as ArrayLike<number>, op, lo as number, hi as number, out, data.length);
  if (data.nullCount > 0) for (let i = 0; i < data.length; i++) if (!isValid(data, i)) out[i] = NULL;
  return true;
}

type KernelOp = CompareOp | "between" | "not between";

function compareNumbers(v: ArrayLike<number>, op: KernelOp, a: number, b: number, out: Uint8Array, n: number): void {
  switch (op) {
    case "between": for (let i = 0; i < n; i++) out[i] = v[i]! >= a && v[i]! <= b ? TRUE : FALSE; break;
    case "not between": for (let i = 0; i < n; i++) out[i] = v[i]! >= a && v[i]! <= b ? FALSE : TRUE; break;
    case "=": for (let i = 0; i < n; i++) out[i] = v[i] === a ? TRUE : FALSE; break;
    case "!=": for (let i = 0; i < n; i++) out[i] = v[i] !== a ? TRUE : FALSE; break;
    case "<": for (let i = 0; i < n; i++) out[i] = v[i]! < a ? TRUE : FALSE; break;
    case "<=": for (let i = 0; i < n; i++) out[i] = v[i]! <= a ? TRUE : FALSE; break;
    case ">": for (let i = 0; i < n; i++) out[i] = v[i]! > a ? TRUE : FALSE; break;
    case ">=": for (let i = 0; i < n; i++) out[i] = v[i]! >= a ? TRUE : FALSE; break;
  }
}

function compareBigints(v: BigInt64Array, op: KernelOp, a: bigint, b: bigint, out: Uint8Array, n: number): void {
  switch (op) {
    case "between": for (let i = 0; i < n; i++) out[i] = v[i]! >= a && v[i]! <= b ? TRUE : FALSE; break;
    case "not between": for (let i = 0; i < n; i++) out[i] = v[i]! >= a && v[i]! <= b ? FALSE : TRUE; break;
    case "=": for (let i = 0; i < n; i++) out[i] = v[i] === a ? TRUE : FALSE; break;
    case "!=": for (let i = 0; i < n; i++) out[i] = v[i] !== a ? TRUE : FALSE; break;
    case "<": for (let i = 0; i < n; i++) out[i] = v[i]! < a ? TRUE : FALSE; break;
    case "<=": for (let i = 0; i < n; i++) out[i] = v[i]! <= a ? TRUE : FALSE; break;
    case ">": for (let i = 0; i < n; i++) out[i] = v[i]! > a ? TRUE : FALSE; break;
    case ">=": for (let i = 0; i < n; i++) out[i] = v[i]! >= a ? TRUE : FALSE; break;
  }
}

function evaluateLeaf(expr: Exclude<FilterExpr, { kind: "and" | "or" | "not" | "literal" }>, batch: RecordBatch): Uint8Array {
  const column = batch.getChild(expr.field.name);
  if (!column) throw new Error(`column "${expr.field.name}" is not in the scanned batch`);
  const data = column.data[0]!;
  const n = batch.numRows;
  const out = new Uint8Array(n);
  if (expr.kind === "isNull") {
    for (let i = 0; i < n; i++) out[i] = isValid(data, i) === expr.negated ? TRUE : FALSE;
    return out;
  }
  const type = data.type as DataType;
  if (DataType.isDictionary(type)) {
    // Decide once per dictionary entry, then look the keys up.
    const dictionary = column.data[0]!.dictionary!;
    const test = testOf(expr);
    const verdicts = new Uint8Array(dictionary.length);
    for (let k = 0; k < dictionary.length; k++) verdicts[k] = test(dictionary.get(k) as Scalar) ? TRUE : FALSE;
    const keys = data.values as ArrayLike<number>;
    for (let i = 0; i < n; i++) out[i] = isValid(data, i) ? verdicts[Number(keys[i])]! : NULL;
    return out;
  }
  if (DataType.isUtf8(type) || DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const test = testOf(expr);
    const wrap = (i: number): Uint8Array => bytes.subarray(offsets[i]!, offsets[i + 1]!);
    // Equality and IN on strings compare bytes to the literal's bytes directly.
    if ((expr.kind === "compare" && (expr.op === "=" || expr.op === "!=")) || expr.kind === "in") {
      const wanted = (expr.kind === "in" ? expr.values : [expr.value]).filter((v) => v !== null)
        .map((v) => (typeof v === "string" ? new TextEncoder().encode(v) : (v as Uint8Array)));
      const positive = expr.kind === "in" ? !expr.negated : expr.op === "=";
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) { out[i] = NULL; continue; }
        const start = offsets[i]!;
        const len = offsets[i + 1]! - start;
        let hit = false;
        for (const w of wanted) {
          if (w.length !== len) continue;
          let j = 0;
          while (j < len && bytes[start + j] === w[j]) j++;
          if (j === len) { hit = true; break; }
        }
        out[i] = hit === positive ? TRUE : FALSE;
      }
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = isValid(data, i) ? (test(wrap(i)) ? TRUE : FALSE) : NULL;
    return out;
  }
  if (DataType.isFixedSizeBinary(type)) {
    const width = (type as unknown as { byteWidth: number }).byteWidth;
    const bytes = data.values as Uint8Array;
    const test = testOf(expr);
    for (let i = 0; i < n; i++) out[i] = isValid(data, i) ? (test(bytes.subarray(i * width, (i + 1) * width)) ? TRUE : FALSE) : NULL;
    return out;
  }
  if (DataType.isBool(type)) {
    const test = testOf(expr);
    for (let i = 0; i < n; i++) out[i] = isValid(data, i) ? (test(column.get(i) as boolean) ? TRUE : FALSE) : NULL;
    return out;
  }
  const decimal = decimalTypeOf(expr.field.type);
  if (decimal || DataType.isDecimal(type)) {
    const test = testOf(expr);
    const unscaledAt = decimalReader(data, expr.field.name, decimal?.precision ?? 0, decimal?.scale ?? 0);
    for (let i = 0; i < n; i++) out[i] = isValid(data, i) ? (test(unscaledAt(i)) ? TRUE : FALSE) : NULL;
    return out;
  }
  const values = data.values as ArrayLike<number> | BigInt64Array;
  if (numericKernel(expr, values, out, data)) return out;
  const test = testOf(expr);
  for (let i = 0; i < n; i++) out[i] = isValid(data, i) ? (test(values[i] as Scalar) ? TRUE : FALSE) : NULL;
  return out;
}

/** Unscaled values of a decimal column (scans deliver decimals as Arrow Decimal, exact). */
function decimalReader(data: Data, column: string, precision: number, scale: number): (i: number) => bigint {
  if (DataType.isDecimal(data.type)) return (i) => unscaledDecimalAt(data, i);
  throw new Error(`decimal(${precision}, ${scale}) column "${column}" arrived as ${String(data.type)}: filtering it exactly needs Arrow Decimal values`);
}

/** Whether a mask holds a NULL (2): read four entries at a time. */
function hasNull(mask: Uint8Array, n: number): boolean {
  const whole = mask.byteOffset % 4 === 0 ? n >> 2 : 0;
  const words = new Uint32Array(mask.buffer, mask.byteOffset, whole);
  for (let w = 0; w < whole; w++) if (words[w]! & 0x02020202) return true;
  for (let i = whole * 4; i < n; i++) if (mask[i] === NULL) return true;
  return false;
}

function evaluate(expr: FilterExpr, batch: RecordBatch): Uint8Array {
  const n = batch.numRows;
  switch (expr.kind) {
    case "literal": return new Uint8Array(n).fill(expr.value ? TRUE : FALSE);
    case "not": {
      const m = evaluate(expr.arg, batch);
      for (let i = 0; i < n; i++) m[i] = m[i] === NULL ? NULL : 1 - m[i]!;
      return m;
    }
    case "and": {
      const m = evaluate(expr.args[0]!, batch);
      for (const arg of expr.args.slice(1)) {
        const o = evaluate(arg, batch);
        // Two-valued masks (no NULL in either, the usual case) combine bit by bit.
        if (!hasNull(m, n) && !hasNull(o, n)) for (let i = 0; i < n; i++) m[i] = m[i]! & o[i]!;
        else for (let i = 0; i < n; i++) m[i] = m[i] === FALSE || o[i] === FALSE ? FALSE : m[i] === NULL || o[i] === NULL ? NULL : TRUE;
      }
      return m;
    }
    case "or": {
      const m = evaluate(expr.args[0]!, batch);
      for (const arg of expr.args.slice(1)) {
        const o = evaluate(arg, batch);
        if (!hasNull(m, n) && !hasNull(o, n)) for (let i = 0; i < n; i++) m[i] = m[i]! | o[i]!;
        else for (let i = 0; i < n; i++) m[i] = m[i] === TRUE || o[i] === TRUE ? TRUE : m[i] === NULL || o[i] === NULL ? NULL : FALSE;
      }
      return m;
    }
    default: return evaluateLeaf(expr, batch);
  }
}

/** 1 for each row the filter keeps (TRUE), 0 otherwise (FALSE or NULL). */
export function selectRows(expr: FilterExpr, batch: RecordBatch): Uint8Array {
  const m = evaluate(expr, batch);
  for (let i = 0; i < m.length; i++) m[i] = m[i] === TRUE ? 1 : 0;
  return m;
}
