// Dropping deleted rows from a scan's assembled row groups, before its row filter: a
// row goes when a position delete or deletion vector of its data file names its
// position, or when the values of an equality delete's columns match one of that
// file's delete rows. Data fragments never change — the deletes of the snapshot being
// read decide, per row group, which of their rows survive — so one cached fragment
// serves every snapshot.
import { RecordBatch, Table } from "apache-arrow";
import { takeRows } from "../../columnar/take-rows.js";
import type { FileScan, ScanPlan } from "../../lake/scan/scan-plan.js";
import type { DeleteReader, EqualityDeletes } from "./read-deletes.js";
import { rowKeys } from "./value-key.js";

export interface LoadedDeletes {
  /** Sorted deleted positions, one array per position delete source. */
  positions: Float64Array[];
  equality: EqualityDeletes[];
}

/** Reads every delete file the plan's data files need (each once). */
export async function loadDeletes(plan: ScanPlan, reader: DeleteReader): Promise<Map<FileScan, LoadedDeletes>> {
  const out = new Map<FileScan, LoadedDeletes>();
  await Promise.all(plan.files.map(async (file) => {
    if (!file.deletes) return;
    const recorded = file.file.recordedPath ?? file.file.path;
    const positions = await Promise.all([...file.deletes.vectors, ...file.deletes.positions].map((d) => reader.positions(d, recorded)));
    const equality = await Promise.all(file.deletes.equality.map((d) => reader.equality(d, plan.read.filter((f) => d.equalityIds?.includes(f.id)))));
    out.set(file, { positions: positions.filter((p) => p.length > 0), equality: equality.filter((e) => e.keys.size > 0) });
  }));
  return out;
}

/** First index in sorted `a` whose value is >= v. */
function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** 1 for each row of the batch that survives, or undefined when every row does. */
function keepMask(batch: RecordBatch, firstRow: number, deletes: LoadedDeletes, plan: ScanPlan): Uint8Array | undefined {
  const n = batch.numRows;
  let mask: Uint8Array | undefined;
  const drop = (i: number) => { (mask ??= new Uint8Array(n).fill(1))[i] = 0; };
  for (const positions of deletes.positions) {
    for (let k = lowerBound(positions, firstRow); k < positions.length && positions[k]! < firstRow + n; k++) drop(positions[k]! - firstRow);
  }
  for (const equality of deletes.equality) {
    const columns = equality.ids.map((id) => batch.data.children[plan.read.findIndex((f) => f.id === id)]!);
    const keyOf = rowKeys(columns);
    for (let i = 0; i < n; i++) if (equality.keys.has(keyOf(i))) drop(i);
  }
  return mask;
}

/**
 * The assembled table (one batch per planned row group, in plan order) without its
 * deleted rows; `whole` (per batch) follows the batches that remain.
 */
export function applyDeletes(table: Table, plan: ScanPlan, loaded: Map<FileScan, LoadedDeletes>, whole: boolean[]): { table: Table; whole: boolean[]; deleted: number } {
  if (loaded.size === 0) return { table, whole, deleted: 0 };
  const batches: RecordBatch[] = [];
  const kept: boolean[] = [];
  let deleted = 0;
  let b = 0;
  for (const file of plan.files) {
    const deletes = loaded.get(file);
    for (const group of file.rowGroups) {
      const batch = table.batches[b]!;
      const mask = deletes ? keepMask(batch, group.firstRow, deletes, plan) : undefined;
      const survivor = mask ? takeRows(batch, mask, true) : batch;
      deleted += batch.numRows - (survivor?.numRows ?? 0);
      if (survivor) {
        batches.push(survivor);
        kept.push(whole[b]!);
      }
      b++;
    }
  }
  return { table: batches.length ? new Table(table.schema, batches) : table.slice(0, 0), whole: kept, deleted };
}
