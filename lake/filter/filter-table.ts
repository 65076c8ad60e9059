// Row filtering of a whole table: each record batch is evaluated vectorized and
// gathered; batches kept whole stay the same memory.
import { Table } from "apache-arrow";
import { takeRows } from "../../columnar/take-rows.js";
import { selectRows } from "./evaluate.js";
import type { Filter } from "./filter.js";

export function filterTable(table: Table, filter: Filter | null, options: { shared?: boolean } = {}): Table {
  if (!filter) return table;
  const batches = [];
  for (const batch of table.batches) {
    const kept = takeRows(batch, selectRows(filter.expr, batch), options.shared);
    if (kept) batches.push(kept);
  }
  return new Table(table.schema, batches);
}
