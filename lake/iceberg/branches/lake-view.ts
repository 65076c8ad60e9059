// The lake as one ref sees it at one point of the lake's log: which tables are on the
// ref and at which snapshot. Every lakeloop reader goes through a view: the log's
// newest record is read once, and each table's metadata is read as of that record — a
// version that depends on a later record (it applied a merge decided after it) is
// walked back to the version before, and merges decided up to the record are applied.
// So a reader sees all of a merge's tables at their new snapshots, or none of them.
// Tables come back with the ref's snapshot as their current one: views are for
// reading; writers commit through the raw table (commit-on-ref.ts).
import type { Catalog } from "../catalog.js";
import { CorruptMetadataError, IcebergError, TableNotFoundError } from "../errors.js";
import { nearestName, parseTableName, qualifiedName, shortTableName } from "../names.js";
import { Table } from "../table.js";
import type { TableMetadata } from "../types.js";
import { LakeLog, type LakeSnapshot, type LakeState, type RefState } from "./lake-log.js";
import { afterOf, applyDecided, CREATED_ON } from "./pending.js";
import { MAIN, type RefType } from "./ref-names.js";

/** What model planning and the front ends read tables through: a Catalog, or a view of one ref. */
export interface TableSource {
  tableExists(name: string): Promise<boolean>;
  loadTable(name: string): Promise<Table>;
  listTables(namespace?: string): Promise<string[]>;
  /** The lake's URI, for messages. */
  readonly lake: string;
}

export class UnknownRefError extends IcebergError {
  override name = "UnknownRefError";
  constructor(ref: string, known: string[]) {
    const suggestion = nearestName(ref, known);
    super("UNKNOWN_REF", `the lake has no branch or tag '${ref}'` + (suggestion ? ` (did you mean '${suggestion}'?)` : "") + `; refs: ${known.join(", ")}`);
  }
}

/** A table as a view sees it: its metadata as of the view, and where the view's ref has it. */
export interface Located {
  table: Table;
  /** The ref's snapshot id; null: on the ref but empty; undefined: not on the ref. */
  position: number | null | undefined;
}

/** Where `ref` has a table, given its metadata and the lake's state. */
export function positionOn(meta: TableMetadata, name: string, ref: string, state: LakeState): number | null | undefined {
  const id = meta.refs?.[ref]?.["snapshot-id"];
  if (ref === MAIN) {
    if (id !== undefined) return id;
    // Made on a branch and not merged: not on main yet.
    if (meta.properties?.[CREATED_ON]) return undefined;
    const current = meta["current-snapshot-id"];
    return current === undefined || current === null || current === -1 ? null : current;
  }
  const made = state.refs[ref];
  if (!made) return undefined;
  if (id !== undefined) return id;
  // The ref's own entry in the table is written just after the ref is made; until then its start stands.
  if (Object.hasOwn(made.start, name)) return made.start[name];
  return meta.properties?.[CREATED_ON] === ref ? null : undefined;
}

export class LakeView implements TableSource {
  private constructor(readonly catalog: Catalog, readonly ref: string, readonly log: LakeSnapshot) {}

  get lake(): string {
    return this.catalog.store.root;
  }

  /** The view of `ref` at the log's newest record. */
  static async open(catalog: Catalog, ref: string = MAIN): Promise<LakeView> {
    return LakeView.at(catalog, await LakeLog.of(catalog.store).snapshot(), ref);
  }

  /** The view of `ref` at a given record of the log (several refs seen at one point). */
  static at(catalog: Catalog, log: LakeSnapshot, ref: string): LakeView {
    if (ref !== MAIN && !log.state.refs[ref]) throw new UnknownRefError(ref, [MAIN, ...Object.keys(log.state.refs).sort()]);
    return new LakeView(catalog, ref, log);
  }

  /** The same point of the log seen from another ref. */
  on(ref: string): LakeView {
    return LakeView.at(this.catalog, this.log, ref);
  }

  get refType(): RefType {
    return this.ref === MAIN ? "branch" : this.log.state.refs[this.ref]!.type;
  }

  get refState(): RefState | undefined {
    return this.log.state.refs[this.ref];
  }

  /** A table's metadata as of this view's record; undefined when there is no such table. */
  async resolve(name: string): Promise<Table | undefined> {
    let table: Table;
    try {
      table = await this.catalog.loadTable(name);
    } catch (err) {
      if (err instanceof TableNotFoundError) return undefined;
      throw err;
    }
    while (afterOf(table.metadata) > this.log.seq) table = await previousVersion(table);
    return applyDecided(table, this.log.seq);
  }

  async locate(name: string): Promise<Located | undefined> {
    const table = await this.resolve(name);
    return table && { table, position: positionOn(table.metadata, table.name, this.ref, this.log.state) };
  }

  /** The table with this ref's snapshot as its current one. */
  async loadTable(name: string): Promise<Table> {
    const located = await this.locate(name);
    if (located?.position === undefined) {
      const names = (await this.listTables()).map(shortTableName);
      const where = this.ref === MAIN ? "" : ` on ${this.refType} ${this.ref}`;
      if (located) {
        const other = this.ref === MAIN ? `branch ${located.table.metadata.properties[CREATED_ON]} (merge it into main to publish it)` : "main: it was made there after this branch (lakeloop merge main --into " + this.ref + " brings it over)";
        throw new IcebergError("TABLE_NOT_ON_REF", `table '${shortTableName(located.table.name)}' is not${where || " on main"}; it is on ${other}`);
      }
      const suggestion = nearestName(name, names);
      if (this.ref === MAIN) throw new TableNotFoundError(name, names, suggestion, this.catalog.store.root);
      throw new IcebergError("TABLE_NOT_FOUND", `table '${name}' does not exist${where}` + (suggestion ? ` (did you mean '${suggestion}'?)` : "") +
        (names.length ? `; tables: ${names.join(", ")}` : `; the lake at ${this.catalog.store.root} has no tables${where} yet`));
    }
    return located.table.withMetadata({ ...located.table.metadata, "current-snapshot-id": located.position });
  }

  async tableExists(name: string): Promise<boolean> {
    parseTableName(name);
    return (await this.locate(name))?.position !== undefined;
  }

  async listTables(namespace?: string): Promise<string[]> {
    const names = await this.catalog.listTables(namespace);
    // A lake that never had a branch has every table on main: no metadata to read.
    if (this.ref === MAIN && this.log.seq === 0) return names;
    const located = await Promise.all(names.map((n) => this.locate(n).catch(() => ({ position: null }))));
    return names.filter((_, i) => located[i]?.position !== undefined);
  }
}

/** The metadata version before `table`'s, which lakeloop never removes while the table lives. */
async function previousVersion(table: Table): Promise<Table> {
  const key = table.metadataKey.replace(/v\d+\.metadata\.json$/, `v${table.version - 1}.metadata.json`);
  const store = table.catalog.store;
  let metadata: TableMetadata;
  try {
    metadata = JSON.parse(new TextDecoder().decode(await store.get(key))) as TableMetadata;
  } catch (err) {
    throw new CorruptMetadataError(store.uriOf(key), (err as Error).message);
  }
  return new Table(table.catalog, qualifiedName(parseTableName(table.name)), key, table.version - 1, metadata);
}
