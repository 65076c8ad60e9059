// Parsing a filter's SQL text into a typed FilterExpr: recursive descent with the
// usual precedence (OR < AND < NOT < comparison), column names resolved against the
// schema (exact first, then case-insensitive), literals coerced to the column's type,
// and every error pointing at the offending characters.
import { nearestName } from "../iceberg/names.js";
import { isPrimitive, typeText, type PrimitiveField, type Scalar, type Schema } from "../schema.js";
import { FilterError } from "./errors.js";
import type { CompareOp, Filter, FilterExpr } from "./filter.js";
import { coerceLiteral, type Literal } from "./literals.js";
import { tokenize, type Token } from "./tokenize.js";

const FLIP: Record<CompareOp, CompareOp> = { "=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

interface Operand {
  kind: "column" | "literal";
  field?: PrimitiveField;
  literal?: Literal;
  start: number;
  end: number;
}

class Parser {
  #tokens: Token[];
  #pos = 0;

  constructor(readonly text: string, readonly schema: Schema) {
    this.#tokens = tokenize(text);
  }

  get #peek(): Token {
    return this.#tokens[this.#pos]!;
  }

  #next(): Token {
    return this.#tokens[this.#pos++]!;
  }

  #fail(code: FilterError["code"], reason: string, start: number, end: number): never {
    throw new FilterError(code, reason, this.text, start, end);
  }

  #is(kind: Token["kind"], value?: string): boolean {
    const t = this.#peek;
    return t.kind === kind && (value === undefined || t.value === value);
  }

  #expect(kind: Token["kind"], value: string, what: string): Token {
    if (!this.#is(kind, value)) {
      const t = this.#peek;
      this.#fail("FILTER_SYNTAX", `expected ${what}${t.kind === "end" ? " at the end of the filter" : `, found '${this.text.slice(t.start, t.end)}'`}`, t.start, Math.max(t.end, t.start + 1));
    }
    return this.#next();
  }

  parse(): FilterExpr {
    if (this.#is("end")) this.#fail("FILTER_SYNTAX", "the filter is empty", 0, 1);
    const expr = this.#or();
    if (!this.#is("end")) {
      const t = this.#peek;
      this.#fail("FILTER_SYNTAX", `unexpected '${this.text.slice(t.start, t.end)}' (missing AND or OR?)`, t.start, t.end);
    }
    return expr;
  }

  #or(): FilterExpr {
    const args = [this.#and()];
    while (this.#is("keyword", "OR")) {
      this.#next();
      args.push(this.#and());
    }
    return args.length === 1 ? args[0]! : { kind: "or", args };
  }

  #and(): FilterExpr {
    const args = [this.#not()];
    while (this.#is("keyword", "AND")) {
      this.#next();
      args.push(this.#not());
    }
    return args.length === 1 ? args[0]! : { kind: "and", args };
  }

  #not(): FilterExpr {
    if (this.#is("keyword", "NOT")) {
      this.#next();
      return { kind: "not", arg: this.#not() };
    }
    return this.#predicate();
  }

  #predicate(): FilterExpr {
    if (this.#is("punct", "(")) {
      // A parenthesis opens a nested boolean expression.
      this.#next();
      const inner = this.#or();
      this.#expect("punct", ")", "')'");
      return inner;
    }
    if (this.#is("keyword", "TRUE") || this.#is("keyword", "FALSE")) {
      const t = this.#next();
      if (!this.#isComparison()) return { kind: "literal", value: t.value === "TRUE" };
      this.#pos--;
    }
    const left = this.#operand();
    const t = this.#peek;
    if (t.kind === "op") {
      this.#next();
      const op = (t.value === "<>" ? "!=" : t.value) as CompareOp;
      const right = this.#operand();
      return this.#compare(op, left, right, t);
    }
    const negated = this.#is("keyword", "NOT") ? (this.#next(), true) : false;
    if (this.#is("keyword", "BETWEEN")) {
      const at = this.#next();
      const low = this.#operand();
      this.#expect("keyword", "AND", "AND between the two bounds of BETWEEN");
      const high = this.#operand();
      const field = this.#columnOf(left, at);
      return { kind: "between", field, low: this.#value(low, field), high: this.#value(high, field), negated };
    }
    if (this.#is("keyword", "IN")) {
      const at = this.#next();
      const field = this.#columnOf(left, at);
      this.#expect("punct", "(", "'(' after IN");
      const values: Scalar[] = [this.#value(this.#operand(), field)];
      while (this.#is("punct", ",")) {
        this.#next();
        values.push(this.#value(this.#operand(), field));
      }
      this.#expect("punct", ")", "')' to close the IN list");
      return { kind: "in", field, values, negated };
    }
    if (!negated && this.#is("keyword", "IS")) {
      const at = this.#next();
      const isNot = this.#is("keyword", "NOT") ? (this.#next(), true) : false;
      this.#expect("keyword", "NULL", "NULL after IS");
      return { kind: "isNull", field: this.#columnOf(left, at), negated: isNot };
    }
    const next = this.#peek;
    if (left.kind === "column") {
      // The underline marks what stands where the comparison should be (a typo like
      // BETWEN), not the column before it, which is fine.
      const found = this.text.slice(next.start, next.end);
      const meant = next.kind === "ident" ? nearestName(found.toUpperCase(), ["BETWEEN"]) : undefined;
      this.#fail("FILTER_SYNTAX", `expected a comparison after column "${left.field!.name}" (=, <, >, BETWEEN, IN, IS NULL)` +
        (next.kind === "end" ? "" : `, found '${found}'${meant ? ` (did you mean ${meant}?)` : ""}`),
        next.kind === "end" ? left.end : next.start, next.kind === "end" ? left.end + 1 : next.end);
    }
    this.#fail("FILTER_SYNTAX", "a filter condition must compare a column", left.start, left.end);
  }

  #isComparison(): boolean {
    return this.#is("op");
  }

  #operand(): Operand {
    const t = this.#next();
    const at = { start: t.start, end: t.end };
    switch (t.kind) {
      case "ident":
        return { kind: "column", field: this.#resolve(t), ...at };
      case "number":
        return { kind: "literal", literal: { kind: "number", text: t.value }, ...at };
      case "string":
        return { kind: "literal", literal: { kind: "string", value: t.value }, ...at };
      case "punct":
        if (t.value === "-" || t.value === "+") {
          const n = this.#next();
          if (n.kind !== "number") this.#fail("FILTER_SYNTAX", `expected a number after '${t.value}'`, t.start, n.end);
          return { kind: "literal", literal: { kind: "number", text: (t.value === "-" ? "-" : "") + n.value }, start: t.start, end: n.end };
        }
        break;
      case "keyword":
        if (t.value === "TRUE" || t.value === "FALSE") return { kind: "literal", literal: { kind: "boolean", value: t.value === "TRUE" }, ...at };
        if (t.value === "NULL") return { kind: "literal", literal: { kind: "null" }, ...at };
        if (t.value === "DATE" || t.value === "TIMESTAMP") {
          const s = this.#next();
          if (s.kind !== "string") this.#fail("FILTER_SYNTAX", `expected a quoted value after ${t.value}, e.g. ${t.value} '2023-01-01'`, t.start, s.end);
          return { kind: "literal", literal: { kind: t.value === "DATE" ? "date" : "timestamp", value: s.value }, start: t.start, end: s.end };
        }
        break;
    }
    this.#fail("FILTER_SYNTAX", t.kind === "end" ? "the filter ends too early: expected a column or a value" : `expected a column or a value, found '${this.text.slice(t.start, t.end)}'`,
      t.start, Math.max(t.end, t.start + 1));
  }

  #resolve(t: Token): PrimitiveField {
    const fields = this.schema.fields;
    const folded = fields.filter((f) => f.name.toLowerCase() === t.value.toLowerCase());
    const found = fields.find((f) => f.name === t.value) ?? (folded.length === 1 ? folded[0] : undefined);
    if (found) {
      if (isPrimitive(found.type)) return found as PrimitiveField;
      this.#fail("FILTER_TYPE", `column "${found.name}" is a ${typeText(found.type)}; a filter tests columns of primitive types`, t.start, t.end);
    }
    const suggestion = nearestName(t.value, fields.map((f) => f.name));
    this.#fail("FILTER_UNKNOWN_COLUMN", `unknown column "${t.value}" in filter` +
      (suggestion ? ` (did you mean "${suggestion}"?)` : `; columns: ${fields.map((f) => f.name).join(", ")}`), t.start, t.end);
  }

  #columnOf(operand: Operand, at: Token): PrimitiveField {
    if (operand.kind !== "column") this.#fail("FILTER_SYNTAX", `${at.value} needs a column on its left`, operand.start, at.end);
    return operand.field!;
  }

  #value(operand: Operand, field: PrimitiveField): Scalar {
    if (operand.kind === "column") this.#fail("FILTER_TYPE", `compare column "${field.name}" with a constant, not with column "${operand.field!.name}"`, operand.start, operand.end);
    const coerced = coerceLiteral(operand.literal!, field);
    if ("error" in coerced) this.#fail("FILTER_TYPE", coerced.error, operand.start, operand.end);
    return coerced.value;
  }

  #compare(op: CompareOp, left: Operand, right: Operand, at: Token): FilterExpr {
    if (left.kind === "column" && right.kind === "literal") return { kind: "compare", op, field: left.field!, value: this.#value(right, left.field!) };
    if (left.kind === "literal" && right.kind === "column") return { kind: "compare", op: FLIP[op], field: right.field!, value: this.#value(left, right.field!) };
    if (left.kind === "column") this.#fail("FILTER_TYPE", `compare column "${left.field!.name}" with a constant, not with column "${right.field!.name}"`, left.start, right.end);
    this.#fail("FILTER_SYNTAX", `a comparison needs a column on one side`, left.start, right.end || at.end);
  }
}

function collectFieldIds(expr: FilterExpr, into: Set<number>): void {
  switch (expr.kind) {
    case "and": case "or": expr.args.forEach((a) => collectFieldIds(a, into)); break;
    case "not": collectFieldIds(expr.arg, into); break;
    case "literal": break;
    default: into.add(expr.field.id);
  }
}

export function parseFilter(text: string, schema: Schema): Filter {
  const expr = new Parser(text, schema).parse();
  const ids = new Set<number>();
  collectFieldIds(expr, ids);
  return { text, expr, fieldIds: schema.fields.map((f) => f.id).filter((id) => ids.has(id)) };
}
