// How many rows a snapshot of a table holds, net of its delete files, for `lakeloop
// tables` and `describe`: from the manifests alone when the snapshot has no delete
// files; by reading its position delete files and deletion vectors (small: positions
// only) when those are all it has; by scanning one column through the cache (deletes
// applied) when it has equality deletes, whose matches only the data can tell.
import type { Catalog } from "../lake/iceberg/catalog.js";
import type { Table } from "../lake/iceberg/table.js";
import type { Snapshot } from "../lake/iceberg/types.js";
import { DeleteIndex } from "../lake/scan/plan-deletes.js";
import { isPrimitive } from "../lake/schema.js";
import { Duck } from "../columnar/duckdb.js";
import { ColumnCache } from "./column-cache.js";
import { DeleteReader } from "./deletes/read-deletes.js";
import { scanTable } from "./scan-table.js";

export interface LiveRows {
  rows: number;
  /** Where the count came from. */
  countedFrom: "manifests" | "delete files" | "scan";
  deleteFiles: number;
}

export async function countLiveRows(catalog: Catalog, table: Table, snapshot: Snapshot | undefined = table.currentSnapshot()): Promise<LiveRows> {
  const [data, deletes] = await Promise.all([table.dataFiles(snapshot), table.deleteFiles(snapshot)]);
  const total = data.reduce((s, f) => s + f.recordCount, 0);
  if (deletes.length === 0) return { rows: total, countedFrom: "manifests", deleteFiles: 0 };
  if (deletes.some((d) => d.content === "equality-deletes")) {
    // Scanning a table is a worker's job, but a count needs no worker: a cache with its tiers off.
    const cache = new ColumnCache({ store: catalog.store, enabled: false, memoryBytes: 64 * 1024 ** 2 });
    try {
      const column = table.schemaOf(snapshot).fields.find((f) => isPrimitive(f.type))?.name;
      const result = await scanTable(catalog, cache, { table: table.name, ...(column ? { columns: [column] } : {}), ...(snapshot ? { snapshotId: snapshot["snapshot-id"] } : {}) });
      return { rows: result.table.numRows, countedFrom: "scan", deleteFiles: deletes.length };
    } finally {
      await cache.close();
    }
  }
  let duck: Promise<Duck> | undefined;
  const reader = new DeleteReader(catalog.store, () => (duck ??= Duck.open({ threads: 1 })));
  try {
    const index = new DeleteIndex(deletes, table.metadata["partition-specs"]);
    let deleted = 0;
    for (const file of data) {
      const applicable = index.forDataFile(file);
      const sources = await Promise.all([...applicable.vectors, ...applicable.positions].map((d) => reader.positions(d, file.recordedPath ?? file.path)));
      const gone = new Set<number>();
      for (const positions of sources) for (const p of positions) if (p < file.recordCount) gone.add(p);
      deleted += gone.size;
    }
    return { rows: total - deleted, countedFrom: "delete files", deleteFiles: deletes.length };
  } finally {
    (await duck)?.close();
  }
}
