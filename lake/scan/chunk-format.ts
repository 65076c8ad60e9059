// How a column chunk is stored (physical type, codec, encodings, nullability, units),
// read from a Parquet footer's column metadata and schema element.
import type { ColumnMetaData, SchemaElement } from "hyparquet";
import type { ChunkFormat } from "./scan-plan.js";

export function chunkFormatOf(meta: ColumnMetaData, element: SchemaElement | undefined): ChunkFormat {
  const format: ChunkFormat = {
    physical: meta.type,
    codec: meta.codec,
    encodings: meta.encodings,
    optional: element?.repetition_type !== "REQUIRED",
    numValues: Number(meta.num_values),
  };
  if (element?.type_length !== undefined) format.typeLength = element.type_length;
  const logical = element?.logical_type as { type: string; unit?: string; precision?: number; scale?: number } | undefined;
  if ((logical?.type === "TIMESTAMP" || logical?.type === "TIME") && logical.unit) format.timeUnit = logical.unit as ChunkFormat["timeUnit"];
  else if (element?.converted_type === "TIMESTAMP_MILLIS" || element?.converted_type === "TIME_MILLIS") format.timeUnit = "MILLIS";
  else if (element?.converted_type === "TIMESTAMP_MICROS" || element?.converted_type === "TIME_MICROS") format.timeUnit = "MICROS";
  if (logical?.type === "DECIMAL") format.decimal = { precision: logical.precision!, scale: logical.scale! };
  else if (element?.converted_type === "DECIMAL") format.decimal = { precision: element.precision!, scale: element.scale ?? 0 };
  return format;
}
