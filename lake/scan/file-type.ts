// The Iceberg type a data file's bytes hold for a column, which is the table's type
// unless the column was promoted after the file was written (int -> long,
// float -> double, decimal(P, S) -> decimal(P', S), date -> timestamp): fragments are
// decoded as the file holds them — so one decoded fragment serves every schema
// version — and promoted to the table's type when a scan assembles them. Statistics
// are promoted the same way before they prune.
import type { PrimitiveType, Scalar } from "../schema.js";
import { uuidFromBytes } from "../uuid-text.js";
import { decimalTypeOf } from "../value-text.js";
import type { ChunkFormat } from "./scan-plan.js";

export function fileTypeOf(tableType: PrimitiveType, format: ChunkFormat): PrimitiveType {
  const p = format.physical;
  if (tableType === "long" && p === "INT32") return "int";
  if (tableType === "double" && p === "FLOAT") return "float";
  if ((tableType === "timestamp" || tableType === "timestamptz" || tableType === "timestamp_ns" || tableType === "timestamptz_ns") && p === "INT32") return "date";
  const decimal = decimalTypeOf(tableType);
  if (decimal && format.decimal && format.decimal.precision !== decimal.precision) return `decimal(${format.decimal.precision}, ${format.decimal.scale})`;
  return tableType;
}

/**
 * A Parquet statistic (as lake/parquet/metadata.ts parsed it) in the table type's
 * Scalar units; undefined when it cannot be trusted for pruning (INT96 and nanosecond
 * timestamps, whose parsed statistics lost digits; raw bytes).
 */
export function statisticOf(value: unknown, fileType: PrimitiveType, tableType: PrimitiveType, format: ChunkFormat): Scalar | undefined {
  if (value === undefined || value === null) return undefined;
  if (format.physical === "INT96" || tableType === "binary" || format.timeUnit === "NANOS") return undefined;
  if (tableType === "float" || tableType === "double") return typeof value === "number" ? value : undefined;
  if (fileType === "date" && tableType !== "date") {
    const days = BigInt(Number(value));
    return tableType.endsWith("_ns") ? days * 86_400_000_000_000n : days * 86_400_000_000n;
  }
  if (tableType === "uuid") return value instanceof Uint8Array && value.length === 16 ? uuidFromBytes(value) : typeof value === "string" ? value.toLowerCase() : undefined;
  if (tableType === "long" || tableType === "time" || tableType.endsWith("_ns") || tableType.startsWith("timestamp")) {
    return typeof value === "bigint" ? value : typeof value === "number" && Number.isInteger(value) ? BigInt(value) : undefined;
  }
  return value as Scalar;
}
