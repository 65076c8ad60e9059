// A table with no rows that still has one (empty) record batch: apache-arrow's
// Table.slice() and friends fail on a table without batches, and every consumer —
// previews, fetches, SQL — should see the columns either way.
import { makeData, RecordBatch, Struct, Table, type Schema } from "apache-arrow";

export function emptyTable(schema: Schema): Table {
  const children = schema.fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 } as never));
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }))]);
}
