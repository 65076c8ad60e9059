// The canonical text of a parsed filter: the same expression always prints the same
// way whatever its spacing, keyword case or literal spelling ('2023-01-01' and
// TIMESTAMP '2023-01-01 00:00:00' on a timestamp column print alike), so the engine can
// fingerprint a scan by it.
import type { PrimitiveType, Scalar } from "../schema.js";
import { decimalTypeOf, formatDecimal } from "../value-text.js";
import type { FilterExpr } from "./filter.js";

export function formatScalar(value: Scalar, type: PrimitiveType): string {
  if (value === null) return "NULL";
  switch (type) {
    case "date": return `DATE '${new Date(Number(value) * 86_400_000).toISOString().slice(0, 10)}'`;
    case "timestamp":
    case "timestamptz": {
      const micros = BigInt(value as bigint);
      const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
      const rest = ((micros % 1000n) + 1000n) % 1000n;
      const iso = new Date(Number(ms)).toISOString().replace("T", " ").replace("Z", "");
      return `TIMESTAMP '${iso}${rest ? String(rest).padStart(3, "0") : ""}'`;
    }
    case "string":
    case "uuid": return `'${String(value).replace(/'/g, "''")}'`;
    case "binary": return `'${new TextDecoder().decode(value as Uint8Array).replace(/'/g, "''")}'`;
    case "boolean": return value ? "TRUE" : "FALSE";
    case "time":
    case "timestamp_ns":
    case "timestamptz_ns": return String(value);
    default: {
      if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString("hex")}'`;
      const decimal = decimalTypeOf(type);
      return decimal ? formatDecimal(BigInt(value as bigint), decimal.scale) : String(value);
    }
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function formatFilter(expr: FilterExpr): string {
  switch (expr.kind) {
    case "and": return expr.args.map((a) => (a.kind === "or" ? `(${formatFilter(a)})` : formatFilter(a))).join(" AND ");
    case "or": return expr.args.map((a) => (a.kind === "and" ? `(${formatFilter(a)})` : formatFilter(a))).join(" OR ");
    case "not": return `NOT (${formatFilter(expr.arg)})`;
    case "literal": return expr.value ? "TRUE" : "FALSE";
    case "compare": return `${quote(expr.field.name)} ${expr.op === "!=" ? "<>" : expr.op} ${formatScalar(expr.value, expr.field.type)}`;
    case "between": return `${quote(expr.field.name)} ${expr.negated ? "NOT " : ""}BETWEEN ${formatScalar(expr.low, expr.field.type)} AND ${formatScalar(expr.high, expr.field.type)}`;
    case "in": return `${quote(expr.field.name)} ${expr.negated ? "NOT " : ""}IN (${expr.values.map((v) => formatScalar(v, expr.field.type)).join(", ")})`;
    case "isNull": return `${quote(expr.field.name)} IS ${expr.negated ? "NOT " : ""}NULL`;
  }
}
