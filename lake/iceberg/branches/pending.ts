// A merge in flight, as a table sees it. A merge first claims each table's next
// metadata version with its snapshot noted as pending on the target ref (a table
// property, so the version's refs and current snapshot are unchanged for every other
// engine); then one record in the lake's log decides the merge (lake-log.ts). A pending
// merge decided "merge" is applied by whoever reads or builds on that version; decided
// "abort", it is dropped. Undecided, it blocks the ref it targets: a commit to that
// ref aborts it (the commit wins), a merge yields to it (it loses) unless it is stale.
import { shortTableName } from "../names.js";
import { IcebergError } from "../errors.js";
import type { Table } from "../table.js";
import type { TableMetadata } from "../types.js";
import { LakeLog, type Decision } from "./lake-log.js";
import { MAIN } from "./ref-names.js";

const PENDING = "lakeloop.pending.";
/** Table property: the newest log record this version's content depends on (merges applied in it). */
export const AFTER = "lakeloop.after";
/** Table property: the branch a table was created on (it is on main only once merged there). */
export const CREATED_ON = "lakeloop.created-on";
/**
 * An undecided merge this old is taken for dead (its process stopped between claiming
 * tables and deciding): a merge that meets it aborts it instead of yielding. Decisions
 * take a few requests, so a live merge is never near this age.
 */
const STALE_MS = 60_000;

export interface Pending {
  txn: string;
  "snapshot-id": number;
  /** The log's newest record when the merge was planned: its decision comes after it. */
  seq: number;
  /** When the table was claimed (ms). */
  ms: number;
}

/** A commit aborts an undecided merge on its ref; a merge yields to it. */
export type PendingPolicy = "abort" | "yield";

export class MergeBusyError extends IcebergError {
  override name = "MergeBusyError";
  constructor(readonly table: string, ref: string) {
    super("MERGE_BUSY", `another merge into ${ref} is publishing table ${shortTableName(table)}; this merge stopped and changed nothing: try again`);
  }
}

export function pendingsOf(meta: TableMetadata): Array<[string, Pending]> {
  return Object.entries(meta.properties ?? {}).filter(([key]) => key.startsWith(PENDING))
    .map(([key, value]) => [key.slice(PENDING.length), JSON.parse(value) as Pending]);
}

export function withPending(meta: TableMetadata, ref: string, pending: Pending): TableMetadata {
  return { ...meta, properties: { ...meta.properties, [PENDING + ref]: JSON.stringify(pending) } };
}

export function afterOf(meta: TableMetadata): number {
  return Number(meta.properties?.[AFTER] ?? 0);
}

/** The metadata with a decided merge applied (its snapshot on the ref) or dropped. */
export function applyDecision(meta: TableMetadata, ref: string, pending: Pending, decision: Decision): TableMetadata {
  const properties = { ...meta.properties };
  delete properties[PENDING + ref];
  if (decision.kind === "abort") return { ...meta, properties };
  properties[AFTER] = String(Math.max(afterOf(meta), decision.seq));
  const id = pending["snapshot-id"];
  return {
    ...meta,
    properties,
    refs: { ...meta.refs, [ref]: { "snapshot-id": id, type: "branch" } },
    ...(ref === MAIN ? {
      "current-snapshot-id": id,
      "snapshot-log": [...meta["snapshot-log"], { "snapshot-id": id, "timestamp-ms": decision.ms }],
    } : {}),
  };
}

/**
 * For a reader whose view of the lake ends at record `upTo`: the merges decided by
 * then applied or dropped; later and undecided ones stay pending (not applied).
 */
export async function applyDecided(table: Table, upTo: number): Promise<Table> {
  const pendings = pendingsOf(table.metadata);
  if (pendings.length === 0) return table;
  const log = LakeLog.of(table.catalog.store);
  let meta = table.metadata;
  for (const [ref, pending] of pendings) {
    const decision = await log.decisionOf(pending.txn, pending.seq, upTo);
    if (decision) meta = applyDecision(meta, ref, pending, decision);
  }
  return table.withMetadata(meta);
}

/**
 * For a writer about to build version N+1 on `table` (version N) for `ref`: every
 * decided merge applied or dropped, and an undecided one on `ref` aborted ("abort")
 * or yielded to ("yield": throws MergeBusyError unless it is stale).
 */
export async function settlePending(table: Table, ref: string, policy: PendingPolicy): Promise<Table> {
  const pendings = pendingsOf(table.metadata);
  if (pendings.length === 0) return table;
  const log = LakeLog.of(table.catalog.store);
  const head = await log.headSeq();
  let meta = table.metadata;
  for (const [target, pending] of pendings) {
    let decision = await log.decisionOf(pending.txn, pending.seq, head);
    if (!decision && target === ref) {
      if (policy === "yield" && Date.now() - pending.ms < STALE_MS) throw new MergeBusyError(table.name, target);
      const short = shortTableName(table.name);
      decision = await log.abort(pending.txn, pending.seq, policy === "yield"
        ? `it stalled, and another merge into ${target} took table ${short} over`
        : `another writer committed to table ${short} on ${target} while the merge was deciding`);
    }
    if (decision) meta = applyDecision(meta, target, pending, decision);
  }
  return table.withMetadata(meta);
}
