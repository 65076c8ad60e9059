// Iceberg primitive types <-> DuckDB SQL types, for writing tables and for inferring a
// table's schema from what DuckDB read (CSV sniffing, Parquet, Arrow).
import { decimalType, type PrimitiveType } from "../schema.js";
import { decimalTypeOf } from "../value-text.js";

export function duckTypeOf(type: PrimitiveType): string {
  switch (type) {
    case "boolean": return "BOOLEAN";
    case "int": return "INTEGER";
    case "long": return "BIGINT";
    case "float": return "FLOAT";
    case "double": return "DOUBLE";
    case "date": return "DATE";
    case "timestamp": return "TIMESTAMP";
    case "timestamptz": return "TIMESTAMPTZ";
    case "string": return "VARCHAR";
    case "binary": return "BLOB";
    default: {
      const { precision, scale } = decimalTypeOf(type)!;
      return `DECIMAL(${precision},${scale})`;
    }
  }
}

/**
 * The Iceberg type a DuckDB column type becomes, or undefined when lakeloop cannot store
 * it exactly (UBIGINT and HUGEINT exceed a long; they are never rounded to a double).
 */
export function icebergTypeOf(duckType: string): PrimitiveType | undefined {
  const t = duckType.toUpperCase();
  if (t === "BOOLEAN") return "boolean";
  if (["TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT"].includes(t)) return "int";
  if (["BIGINT", "UINTEGER"].includes(t)) return "long";
  if (t === "FLOAT") return "float";
  if (t === "DOUBLE") return "double";
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return decimalType(Number(decimal[1]), Number(decimal[2]));
  if (t === "DATE") return "date";
  if (["TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"].includes(t)) return "timestamp";
  if (t === "TIMESTAMP WITH TIME ZONE" || t === "TIMESTAMPTZ") return "timestamptz";
  if (t === "VARCHAR" || t === "UUID" || t.startsWith("ENUM")) return "string";
  if (t === "BLOB") return "binary";
  return undefined;
}

/** What to tell someone whose column has a type no table column can hold exactly. */
export function castAdvice(column: string, duckType: string): string {
  const t = duckType.toUpperCase();
  const id = `"${column.replace(/"/g, '""')}"`;
  if (t === "UBIGINT") {
    return `unsigned 64-bit integers do not fit a long and would lose digits as a double; cast it first: CAST(${id} AS DECIMAL(20,0)) keeps every value, CAST(${id} AS BIGINT) if all are below 2^63`;
  }
  if (t === "HUGEINT" || t === "UHUGEINT") {
    return `128-bit integers do not fit a long and would lose digits as a double; cast it first: CAST(${id} AS DECIMAL(38,0)) if every value has at most 38 digits, else CAST(${id} AS VARCHAR)`;
  }
  return `cast it first to a number, string, boolean, date, timestamp or bytes, e.g. CAST(${id} AS VARCHAR)`;
}
