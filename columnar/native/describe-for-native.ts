// The description of an Arrow table that the native bridge registers with DuckDB: per
// column its plan (columnar/duckdb-columns.ts), per batch the views of its buffers. The
// views are the table's own memory; the bridge reads them in place.
import type { Data, Table } from "apache-arrow";
import { planDuckColumns, type DuckColumn } from "../duckdb-columns.js";
import type { NativeColumnDescription, NativeSlice, NativeTableDescription } from "./load-native.js";

function columnOf(c: DuckColumn): NativeColumnDescription {
  return {
    name: c.name, kind: c.kind, duckType: c.duckType, width: c.width, multiply: c.multiply, divide: c.divide,
    keyWidth: c.keyWidth, values: c.values, precision: c.precision, scale: c.scale,
  };
}

function sliceOf(data: Data, column: DuckColumn, batch: number): NativeSlice {
  const slice: NativeSlice = { offset: data.offset };
  if (data.nullCount > 0 && data.nullBitmap && data.nullBitmap.byteLength > 0) slice.validity = data.nullBitmap;
  slice.values = data.values as ArrayBufferView;
  if (column.kind === "utf8") slice.offsets = data.valueOffsets as Int32Array;
  if (column.kind === "enum") slice.remap = column.remaps![batch];
  if (column.kind === "dict-utf8") {
    const dictionary = data.dictionary!.data[0] as Data;
    slice.dictionaryOffsets = dictionary.valueOffsets as Int32Array;
    slice.dictionaryBytes = dictionary.values as Uint8Array;
  }
  return slice;
}

/** Only `columns` (by name) when given: a query's columns, in table order. */
export function describeForNative(table: Table, columns?: Set<string>): NativeTableDescription {
  const plan = planDuckColumns(table);
  const keep = plan.map((c, i) => [c, i] as const).filter(([c]) => !columns || columns.has(c.name));
  return {
    columns: keep.map(([c]) => columnOf(c)),
    batches: table.batches.map((batch, b) => ({
      length: batch.numRows,
      columns: keep.map(([c, i]) => sliceOf(batch.data.children[i] as Data, c, b)),
    })),
  };
}
