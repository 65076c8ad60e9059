// Making, listing and deleting branches and tags. A ref is made by one record in the
// lake's log naming, for every table, the snapshot it starts at: no data is copied.
// Each table's own `refs` then gets the ref's entry, so another engine reads the
// branch by name; until it has, readers take the start from the log.
import type { Catalog } from "../catalog.js";
import { IcebergError } from "../errors.js";
import { shortTableName } from "../names.js";
import type { TableMetadata } from "../types.js";
import { loadAllTables, removeRefEntry, writeRefEntry } from "./commit-on-ref.js";
import { LakeLog, type LakeSnapshot, type RefState } from "./lake-log.js";
import { LakeView, UnknownRefError, positionOn } from "./lake-view.js";
import { CREATED_ON } from "./pending.js";
import { checkNewRefName, MAIN, type RefType } from "./ref-names.js";

export interface RefSummary {
  name: string;
  type: RefType;
  from?: string;
  at?: string;
  /** Tables whose snapshot on the ref differs from the main snapshot it last agreed with. */
  changed: string[];
}

/** The snapshot that was current on main at `ms`, from the snapshot log (null: none yet). */
function mainSnapshotAt(meta: TableMetadata, ms: number): number | null {
  let found: number | null = null;
  for (const entry of meta["snapshot-log"]) if (entry["timestamp-ms"] <= ms) found = entry["snapshot-id"];
  return found;
}

function ignoreReadOnly(err: { code?: string }): void {
  if (err?.code !== "READ_ONLY") throw err;
}

/** Where a new ref starts in every table, and the main snapshots it agrees with. */
async function startingPoint(catalog: Catalog, head: LakeSnapshot, from: string): Promise<Pick<RefState, "from" | "start" | "bases">> {
  const start: Record<string, number | null> = {};
  if (/^\d+$/.test(from)) {
    // A snapshot id: its table at that snapshot, every other table as main had it then.
    const main = LakeView.at(catalog, head, MAIN);
    const tables = (await Promise.all((await main.listTables()).map((n) => main.locate(n)))).map((l) => l!.table);
    const owner = tables.find((t) => t.metadata.snapshots.some((s) => s["snapshot-id"] === Number(from)));
    if (!owner) throw new IcebergError("SNAPSHOT_NOT_FOUND", `no table of the lake has snapshot ${from}; \`lakeloop describe TABLE\` lists a table's snapshots`);
    const ms = owner.snapshotById(Number(from))["timestamp-ms"];
    for (const t of tables) start[t.name] = t === owner ? Number(from) : mainSnapshotAt(t.metadata, ms);
    return { from: `snapshot ${from}`, start, bases: { ...start } };
  }
  const view = LakeView.at(catalog, head, from);
  for (const name of await view.listTables()) start[name] = (await view.locate(name))!.position!;
  // From a branch or tag, the new ref agrees with main where its source did.
  return { from, start, bases: from === MAIN ? { ...start } : { ...view.refState!.bases } };
}

/**
 * Entries and branch-made tables a deleted ref of this name left behind (its delete
 * was interrupted): removed before a new ref of the name starts.
 */
async function clearLeftovers(catalog: Catalog, head: LakeSnapshot, name: string): Promise<void> {
  for (const table of await loadAllTables(catalog)) {
    if (table.metadata.refs?.[name]) await removeRefEntry(table, name).catch(ignoreReadOnly);
    const onMain = positionOn(table.metadata, table.name, MAIN, head.state) !== undefined;
    if (table.metadata.properties?.[CREATED_ON] === name && !onMain) await catalog.dropTable(table.name);
  }
}

/** Makes branch or tag `name` from `from` (main, a branch, a tag, or a snapshot id), in one log record. */
export async function createRef(catalog: Catalog, name: string, type: RefType, from: string = MAIN): Promise<RefState> {
  checkNewRefName(name, type);
  const log = LakeLog.of(catalog.store);
  let made: RefState | undefined;
  await log.append(async (head) => {
    const existing = head.state.refs[name];
    if (existing) throw new IcebergError("REF_EXISTS", `${existing.type} '${name}' already exists (made from ${existing.from} at ${existing.at})`);
    const point = await startingPoint(catalog, head, from);
    await clearLeftovers(catalog, head, name);
    made = { type, ...point, created: head.seq + 1, at: new Date().toISOString() };
    return { kind: "create", ref: name, state: { refs: { ...head.state.refs, [name]: made } } };
  });
  // Each table's own entry, for other engines; readers use the log's start until it is
  // there (and for a table lakeloop must not commit to, always).
  await Promise.all(Object.entries(made!.start).map(async ([table, id]) => {
    if (id !== null) await writeRefEntry(await catalog.loadTable(table), name, type, id).catch(ignoreReadOnly);
  }));
  return made!;
}

/**
 * Deletes a branch or tag in one log record, then removes its entries from the tables
 * and drops the tables made on it that were never merged into main.
 */
export async function deleteRef(catalog: Catalog, name: string, type: RefType): Promise<void> {
  if (name === MAIN) throw new IcebergError("BAD_REF_NAME", "main cannot be deleted");
  const log = LakeLog.of(catalog.store);
  const record = await log.append(async (head) => {
    const existing = head.state.refs[name];
    if (!existing || existing.type !== type) {
      const known = Object.entries(head.state.refs).filter(([, r]) => r.type === type).map(([n]) => n).sort();
      if (existing) throw new IcebergError("UNKNOWN_REF", `'${name}' is a ${existing.type}, not a ${type}: lakeloop ${existing.type} delete ${name}`);
      throw new UnknownRefError(name, known.length ? known : ["none"]);
    }
    const refs = { ...head.state.refs };
    delete refs[name];
    return { kind: "delete", ref: name, state: { refs } };
  });
  await clearLeftovers(catalog, { seq: record!.seq, state: record!.state }, name);
}

/** main, then every branch and tag, with the tables each changed since it last agreed with main. */
export async function listRefs(catalog: Catalog): Promise<RefSummary[]> {
  const head = await LakeLog.of(catalog.store).snapshot();
  const refs = Object.entries(head.state.refs).sort(([a], [b]) => a.localeCompare(b));
  const main: RefSummary = { name: MAIN, type: "branch", changed: [] };
  return [main, ...await Promise.all(refs.map(async ([name, ref]) => ({ name, type: ref.type, from: ref.from, at: ref.at, changed: await changedTables(catalog, head, name) })))];
}

/** Tables whose snapshot on branch `name` is not the main snapshot it last agreed with. */
export async function changedTables(catalog: Catalog, head: LakeSnapshot, name: string): Promise<string[]> {
  const view = LakeView.at(catalog, head, name);
  const bases = view.refState!.bases;
  const changed: string[] = [];
  for (const table of await view.listTables()) {
    const position = (await view.locate(table))!.position;
    if (!Object.hasOwn(bases, table) || bases[table] !== position) changed.push(shortTableName(table));
  }
  return changed;
}
