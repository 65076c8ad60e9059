// Row filtering of a whole table: each record batch is evaluated vectorized and
// gathered; batches kept whole stay the same memory, and batches known to qualify
// whole (by their row group's statistics) are not evaluated at all.
import { Table } from "apache-arrow";
import { emptyTable } from "../../columnar/empty-table.js";
import { takeRows } from "../../columnar/take-rows.js";
import { selectRows } from "./evaluate.js";
import type { Filter } from "./filter.js";

export interface FilterTableOptions {
  shared?: boolean;
  /** Per batch: every row is known to satisfy the filter. */
  whole?: boolean[];
}

export function filterTable(table: Table, filter: Filter | null, options: FilterTableOptions = {}): Table {
  if (!filter) return table;
  const batches = [];
  for (const [i, batch] of table.batches.entries()) {
    if (options.whole?.[i]) {
      batches.push(batch);
      continue;
    }
    const kept = takeRows(batch, selectRows(filter.expr, batch), options.shared);
    if (kept) batches.push(kept);
  }
  return batches.length ? new Table(table.schema, batches) : emptyTable(table.schema);
}
