// Rows [begin, end) of an Arrow table, also when the table holds no record batches.
// apache-arrow's Table.slice() throws on a table without batches, which is what a 0-row
// scan, SQL query or model output can be; previews and fetches slice through here so
// that an empty output leaves the worker as an empty table with its schema.
import type { Table } from "apache-arrow";

export function sliceRows(table: Table, begin: number, end: number): Table {
  return table.batches.length === 0 ? table : table.slice(begin, end);
}
