// Writing to a table on one ref: creating it there, committing a change that moves
// only that ref, and the small metadata-only commits branches make (a ref's entry
// written or removed). A branch copies no data: these commits add refs and snapshots,
// and a commit on a branch names its files in its own snapshot only.
import type { Field } from "../../schema.js";
import type { Catalog, CreateTableOptions } from "../catalog.js";
import { IcebergError } from "../errors.js";
import type { Table, TableChange } from "../table.js";
import type { TableMetadata } from "../types.js";
import type { LakeView } from "./lake-view.js";
import { CREATED_ON } from "./pending.js";
import { MAIN, type RefType } from "./ref-names.js";

/** Thrown by a `prepare` that finds its change already made: nothing to commit. */
class AlreadyDone extends Error {}

/** `base`'s metadata as the next version: changed fields, a later update time, the metadata log extended. */
export function nextMetadata(base: Table, changes: Partial<TableMetadata>): TableMetadata {
  const meta = base.metadata;
  return {
    ...meta,
    ...changes,
    "last-updated-ms": Math.max(Date.now(), meta["last-updated-ms"] + 1),
    "metadata-log": [...meta["metadata-log"], { "metadata-file": base.catalog.store.uriOf(base.metadataKey), "timestamp-ms": meta["last-updated-ms"] }],
  };
}

/** Commits `change(base)` unless it returns undefined (already so): one metadata-only version. */
async function commitUnlessDone(table: Table, ref: string, change: (base: Table) => Partial<TableMetadata> | undefined): Promise<void> {
  try {
    await table.commitMetadata(async (base) => {
      const changes = change(base);
      if (!changes) throw new AlreadyDone();
      return nextMetadata(base, changes);
    }, { ref });
  } catch (err) {
    if (!(err instanceof AlreadyDone)) throw err;
  }
}

/** Writes `ref`'s entry into the table's refs unless it has one. */
export function writeRefEntry(table: Table, ref: string, type: RefType, snapshotId: number): Promise<void> {
  return commitUnlessDone(table, ref, (base) => base.metadata.refs?.[ref] ? undefined : { refs: { ...base.metadata.refs, [ref]: { "snapshot-id": snapshotId, type } } });
}

/** Removes `ref`'s entry from the table's refs, if it has one. */
export function removeRefEntry(table: Table, ref: string): Promise<void> {
  return commitUnlessDone(table, ref, (base) => {
    if (!base.metadata.refs?.[ref]) return undefined;
    const refs = { ...base.metadata.refs };
    delete refs[ref];
    return { refs };
  });
}

/** Refuses writes to a tag. */
export function checkWritable(view: LakeView): void {
  if (view.refType === "tag") {
    throw new IcebergError("READ_ONLY_REF", `'${view.ref}' is a tag, and tags never change; make a branch from it to write (lakeloop branch create NAME --from ${view.ref})`);
  }
}

/** Creates a table on the view's ref: on a branch it is marked as made there, and is not on main until merged. */
export async function createTableOn(view: LakeView, name: string, fields: Array<Omit<Field, "id">>, options: CreateTableOptions = {}): Promise<Table> {
  checkWritable(view);
  const properties = view.ref === MAIN ? options.properties : { ...options.properties, [CREATED_ON]: view.ref };
  return view.catalog.createTable(name, fields, { ...options, ...(properties ? { properties } : {}) });
}

/**
 * Commits a change to the view's ref of `table` (the raw table, not a view's): the new
 * snapshot's parent is the ref's snapshot, and only that ref moves.
 */
export async function commitOnRef(view: LakeView, table: Table, change: TableChange): Promise<{ table: Table; snapshotId: number }> {
  checkWritable(view);
  const ref = view.ref;
  const start = ref === MAIN ? undefined : view.refState!.start[table.name];
  // A branch made at a snapshot its entry does not name yet: the entry first, so the commit's parent is right.
  if (typeof start === "number" && !table.metadata.refs?.[ref]) await writeRefEntry(table, ref, "branch", start);
  const committed = await table.commit(change, { ref });
  return { table: committed, snapshotId: committed.refSnapshot(ref)!["snapshot-id"] };
}

/** Every physical table of the catalog (dropped ones excluded), loaded as it is. */
export async function loadAllTables(catalog: Catalog): Promise<Table[]> {
  return Promise.all((await catalog.listTables()).map((name) => catalog.loadTable(name)));
}
