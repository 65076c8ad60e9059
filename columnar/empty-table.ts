// A table with no rows that still has one (empty) record batch with well-formed buffers:
// apache-arrow's Table.slice() fails on a table without batches, and its IPC writer on
// columns without offsets; every consumer — previews, fetches, SQL — should see the
// columns either way.
import { makeData, RecordBatch, Struct, Table, vectorFromArray, type Data, type Schema } from "apache-arrow";

export function emptyTable(schema: Schema): Table {
  const children = schema.fields.map((f) => vectorFromArray([], f.type).data[0] as Data);
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }))]);
}
