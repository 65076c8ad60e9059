// A DataFile (the manifest's record of one Parquet file) computed from the file's
// footer: record count, per-column sizes, value and null counts, lower and upper bounds
// merged over row groups, and the row groups' start offsets.
import type { IcebergType, Scalar, Schema } from "../schema.js";
import type { DataFile } from "../iceberg/types.js";
import { columnChunkRange, type FileMetaData } from "./metadata.js";

function compare(a: Scalar, b: Scalar): number {
  if (typeof a === "bigint" || typeof b === "bigint") return BigInt(a as bigint) < BigInt(b as bigint) ? -1 : BigInt(a as bigint) > BigInt(b as bigint) ? 1 : 0;
  if (typeof a === "boolean") return Number(a) - Number(b);
  return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
}

/** Maps each leaf column of the footer to an Iceberg field id: by Parquet field_id, else by name. */
export function fieldIdsOfColumns(metadata: FileMetaData, schema: Schema): Map<string, number> {
  const out = new Map<string, number>();
  for (const element of metadata.schema.slice(1)) {
    const id = element.field_id ?? schema.fields.find((f) => f.name === element.name)?.id;
    if (id !== undefined) out.set(element.name, id);
  }
  return out;
}

const SCALAR_STATISTICS = new Set(["boolean", "int", "long", "float", "double", "date", "timestamp", "timestamptz", "string"]);
const hasScalarStatistics = (type: IcebergType) => typeof type === "string" && (SCALAR_STATISTICS.has(type) || type.startsWith("decimal("));

export interface DataFileContext {
  path: string;
  fileSizeBytes: number;
  partition: Record<string, Scalar>;
  specId: number;
  schema: Schema;
}

export function dataFileFromMetadata(metadata: FileMetaData, ctx: DataFileContext): DataFile {
  const ids = fieldIdsOfColumns(metadata, ctx.schema);
  const columnSizes = new Map<number, number>();
  const valueCounts = new Map<number, number>();
  const nullValueCounts = new Map<number, number>();
  const lowerBounds = new Map<number, Scalar>();
  const upperBounds = new Map<number, Scalar>();
  const missingStats = new Set<number>();
  const splitOffsets: number[] = [];
  for (const rowGroup of metadata.row_groups) {
    let first = Infinity;
    for (const chunk of rowGroup.columns) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      first = Math.min(first, columnChunkRange(meta).offset);
      const id = ids.get(meta.path_in_schema.join("."));
      if (id === undefined) continue;
      const field = ctx.schema.fields.find((f) => f.id === id);
      columnSizes.set(id, (columnSizes.get(id) ?? 0) + Number(meta.total_compressed_size));
      valueCounts.set(id, (valueCounts.get(id) ?? 0) + Number(meta.num_values));
      const stats = meta.statistics;
      if (stats?.null_count !== undefined) nullValueCounts.set(id, (nullValueCounts.get(id) ?? 0) + Number(stats.null_count));
      const min = (stats?.min_value ?? stats?.min) as Scalar | undefined;
      const max = (stats?.max_value ?? stats?.max) as Scalar | undefined;
      const allNull = stats?.null_count !== undefined && Number(stats.null_count) === Number(rowGroup.num_rows);
      // Bounds only where the parsed statistic is the Scalar of the column's type (not raw
      // bytes, uuids, times or nanoseconds from other writers); an all-null group has none.
      if (!field || !hasScalarStatistics(field.type) || allNull) continue;
      if (min === undefined || max === undefined || min === null || max === null) {
        missingStats.add(id);
        continue;
      }
      const lower = lowerBounds.get(id);
      const upper = upperBounds.get(id);
      if (lower === undefined || compare(min, lower) < 0) lowerBounds.set(id, min);
      if (upper === undefined || compare(max, upper) > 0) upperBounds.set(id, max);
    }
    if (first !== Infinity) splitOffsets.push(first);
  }
  // A bound is only sound if every row group that had values reported one.
  for (const id of missingStats) {
    lowerBounds.delete(id);
    upperBounds.delete(id);
  }
  return {
    path: ctx.path,
    format: "parquet",
    partition: ctx.partition,
    recordCount: Number(metadata.num_rows),
    fileSizeBytes: ctx.fileSizeBytes,
    columnSizes, valueCounts, nullValueCounts, lowerBounds, upperBounds,
    splitOffsets: splitOffsets.sort((a, b) => a - b),
    specId: ctx.specId,
  };
}
