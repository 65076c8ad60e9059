// Merging one ref into another across the whole lake, all or nothing. What counts as a
// conflict: branches merge fast-forward only, table by table. Each branch remembers,
// per table, the main snapshot it last agreed with (its base). A table the source did
// not change since then is left alone; one it changed is published when the target
// still has the base; one changed on both sides is a conflict, and any conflict stops
// the merge before it writes anything, naming every such table. One side is main:
// `merge dev` publishes dev into main, `merge main --into dev` brings dev up to date.
//
// Publishing: each table's next metadata version is claimed with the new snapshot
// pending on the target (pending.ts), in name order (two merges meet on their first
// common table, so one of them always gets through); then ONE put-if-absent of a
// record in the lake's log decides the merge. Readers see it from that record on, all
// tables at once. Last, each table gets a version with the merge applied, so engines
// that read only a table's metadata see the new snapshot too.
import { randomUUID } from "node:crypto";
import type { Catalog } from "../catalog.js";
import { IcebergError } from "../errors.js";
import { shortTableName } from "../names.js";
import { nextMetadata } from "./commit-on-ref.js";
import { LakeLog, type LakeSnapshot, type LakeState } from "./lake-log.js";
import { LakeView, positionOn } from "./lake-view.js";
import { MergeBusyError, pendingsOf, withPending } from "./pending.js";
import { MAIN } from "./ref-names.js";

export class MergeConflictError extends IcebergError {
  override name = "MergeConflictError";
  constructor(readonly tables: string[], message: string) {
    super("MERGE_CONFLICT", message);
  }
}

export interface MergePlan {
  from: string;
  into: string;
  /** The side that is not main: its bases decide what changed. */
  branch: string;
  publish: Array<{ table: string; snapshotId: number; expected: number | null | undefined }>;
  conflicts: string[];
}

export interface MergeResult {
  /** The log record that decided the merge (the log's newest one when there was nothing to merge). */
  seq: number;
  published: Array<{ table: string; snapshotId: number }>;
}

function checkRefs(state: LakeState, from: string, into: string): string {
  if (from === into) throw new IcebergError("BAD_MERGE", `cannot merge ${from} into itself`);
  if (from !== MAIN && into !== MAIN) throw new IcebergError("BAD_MERGE", `merges go between main and a branch: merge ${from} into main, or main into ${into}`);
  for (const ref of [from, into]) {
    if (ref !== MAIN && state.refs[ref]?.type === "tag") throw new IcebergError("BAD_MERGE", `'${ref}' is a tag, and tags never change; merges go between main and a branch`);
  }
  return from === MAIN ? into : from;
}

/** What merging `from` into `into` would publish, and what conflicts, as of one record of the log. */
export async function planMerge(catalog: Catalog, head: LakeSnapshot, from: string, into: string): Promise<MergePlan> {
  const source = LakeView.at(catalog, head, from);
  source.on(into);
  const branch = checkRefs(head.state, from, into);
  const bases = head.state.refs[branch]!.bases;
  const plan: MergePlan = { from, into, branch, publish: [], conflicts: [] };
  for (const name of (await source.listTables()).sort()) {
    const table = (await source.locate(name))!.table;
    const theirs = positionOn(table.metadata, name, from, head.state);
    const ours = positionOn(table.metadata, name, into, head.state);
    const base = Object.hasOwn(bases, name) ? bases[name] : undefined;
    if (theirs === ours || theirs === base || theirs === null || theirs === undefined) continue;
    if (ours !== base) plan.conflicts.push(name);
    else plan.publish.push({ table: name, snapshotId: theirs, expected: ours });
  }
  return plan;
}

function conflictMessage(plan: MergePlan, tables: string[]): string {
  const names = tables.map(shortTableName).join(", ");
  const since = `since ${plan.branch} was made or last merged`;
  return `cannot merge ${plan.from} into ${plan.into}: ${tables.length === 1 ? "table" : "tables"} ${names} changed on both ${plan.from} and ${plan.into} ${since}; ` +
    `nothing was merged (merges are fast-forward only, table by table). Branch again from ${MAIN} and run there, or roll ${plan.into}'s ${tables.length === 1 ? "table" : "tables"} back`;
}

/** The state after the merge: the branch now agrees with main on the published tables. */
function stateAfter(state: LakeState, plan: MergePlan): LakeState {
  const ref = state.refs[plan.branch];
  if (!ref) throw new IcebergError("UNKNOWN_REF", `branch ${plan.branch} was deleted while merging; nothing was merged`);
  const bases = { ...ref.bases };
  for (const p of plan.publish) bases[p.table] = p.snapshotId;
  return { refs: { ...state.refs, [plan.branch]: { ...ref, bases } } };
}

/**
 * Merges `from` into `into` (default main): every changed table or none. `approve` sees
 * what is about to be published (the plan this merge carries out) and may refuse it by
 * throwing; nothing is written before it returns.
 */
export async function mergeRefs(catalog: Catalog, from: string, into: string = MAIN, options: { approve?: (plan: MergePlan) => void } = {}): Promise<MergeResult> {
  const log = LakeLog.of(catalog.store);
  const head = await log.snapshot();
  const plan = await planMerge(catalog, head, from, into);
  if (plan.conflicts.length) throw new MergeConflictError(plan.conflicts, conflictMessage(plan, plan.conflicts));
  if (plan.publish.length === 0) return { seq: head.seq, published: [] };
  options.approve?.(plan);

  const txn = randomUUID();
  const claimed: Record<string, { version: number; "snapshot-id": number }> = {};
  let seq: number;
  try {
    for (const p of plan.publish) {
      const table = await catalog.loadTable(p.table);
      const pended = await table.commitMetadata(async (base) => {
        if (positionOn(base.metadata, base.name, into, head.state) !== p.expected) {
          throw new MergeConflictError([p.table], `cannot merge ${from} into ${into}: table ${shortTableName(p.table)} changed on ${into} while merging; nothing was merged: try again`);
        }
        return withPending(nextMetadata(base, {}), into, { txn, "snapshot-id": p.snapshotId, seq: head.seq, ms: Date.now() });
      }, { ref: into, pending: "yield" });
      claimed[p.table] = { version: pended.version, "snapshot-id": p.snapshotId };
    }
    const record = await log.append(async (now) => {
      const decided = await log.decisionOf(txn, head.seq, now.seq);
      if (decided) {
        const reason = (await log.record(decided.seq)) as { reason?: string };
        throw new MergeConflictError(plan.publish.map((p) => p.table), `cannot merge ${from} into ${into}: ${reason.reason ?? "another writer stopped it"}; nothing was merged: try again`);
      }
      return { kind: "merge", txn, from, into, tables: claimed, state: stateAfter(now.state, plan) };
    });
    seq = record!.seq;
  } catch (err) {
    // Tables already claimed must not wait for a decision that will never come.
    if (Object.keys(claimed).length) await log.abort(txn, head.seq, `merge of ${from} into ${into} stopped: ${(err as Error).message}`).catch(() => {});
    throw err;
  }
  await Promise.all(Object.keys(claimed).map((name) => applyInTable(catalog, name, into, txn).catch(() => {})));
  return { seq, published: plan.publish.map((p) => ({ table: p.table, snapshotId: p.snapshotId })) };
}

/** A version of the table with the decided merge applied (committing settles it), unless someone did already. */
async function applyInTable(catalog: Catalog, name: string, ref: string, txn: string): Promise<void> {
  const table = await catalog.loadTable(name);
  if (!pendingsOf(table.metadata).some(([r, p]) => r === ref && p.txn === txn)) return;
  await table.commitMetadata(async (base) => nextMetadata(base, {}), { ref, pending: "yield" }).catch((err) => {
    if (!(err instanceof MergeBusyError)) throw err;
  });
}
