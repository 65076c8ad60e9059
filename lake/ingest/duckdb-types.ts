// Iceberg primitive types <-> DuckDB SQL types, for writing tables and for inferring a
// table's schema from what DuckDB read (CSV sniffing, Parquet, Arrow).
import type { PrimitiveType } from "../schema.js";

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
  }
}

/** The Iceberg type a DuckDB column type becomes, or undefined when lakeloop cannot store it. */
export function icebergTypeOf(duckType: string): PrimitiveType | undefined {
  const t = duckType.toUpperCase();
  if (t === "BOOLEAN") return "boolean";
  if (["TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT"].includes(t)) return "int";
  if (["BIGINT", "UINTEGER"].includes(t)) return "long";
  if (t === "FLOAT") return "float";
  if (t === "DOUBLE" || t.startsWith("DECIMAL") || t === "HUGEINT" || t === "UBIGINT") return "double";
  if (t === "DATE") return "date";
  if (["TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"].includes(t)) return "timestamp";
  if (t === "TIMESTAMP WITH TIME ZONE" || t === "TIMESTAMPTZ") return "timestamptz";
  if (t === "VARCHAR" || t === "UUID" || t.startsWith("ENUM")) return "string";
  if (t === "BLOB") return "binary";
  return undefined;
}
