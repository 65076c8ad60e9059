// The lake's log: `_lakeloop/commits/<seq>.json`, one record per lake-wide step
// (a branch or tag made or deleted, a merge decided, a merge aborted). A record is
// written only by put-if-absent at the sequence number after the last one, so records
// are numbered without gaps and two writers never both take a number: each lake-wide
// step is that ONE conditional write. Every record carries the whole state after it
// (the refs, where each started and which main snapshots it last agreed with), so a
// reader needs only the newest one; records never change, so each is read once.
import type { ObjectStore } from "../../store/object-store.js";
import { IcebergError } from "../errors.js";
import type { RefType } from "./ref-names.js";

const DIR = "_lakeloop/commits/";
const KEY = /^_lakeloop\/commits\/(\d{20})\.json$/;
const FORMAT = 1;
/** A writer that keeps losing the race for the next number gives up after this many tries. */
const MAX_ATTEMPTS = 64;

export interface RefState {
  type: RefType;
  /** What it was made from: "main", another branch or tag, or "snapshot <id>". */
  from: string;
  /** Sequence number of the record that made it. */
  created: number;
  at: string;
  /** Each table's snapshot when the ref was made (null: the table was empty), by qualified name. */
  start: Record<string, number | null>;
  /**
   * Each table's main snapshot this ref last agreed with (made from it, or merged with
   * it); a table missing here was not on main then. Decides what counts as a conflict.
   */
  bases: Record<string, number | null>;
}

export interface LakeState {
  refs: Record<string, RefState>;
}

export type RecordBody =
  | { kind: "create"; ref: string; state: LakeState }
  | { kind: "delete"; ref: string; state: LakeState }
  | { kind: "merge"; txn: string; from: string; into: string; tables: Record<string, { version: number; "snapshot-id": number }>; state: LakeState }
  | { kind: "abort"; txn: string; reason: string; state: LakeState };

export type LakeRecord = RecordBody & { format: number; seq: number; at: string };

/** The log as of one record: its number (0 before the first) and the state after it. */
export interface LakeSnapshot {
  seq: number;
  state: LakeState;
}

/** How a merge ended: published at `seq` ("merge") or abandoned ("abort"). */
export interface Decision {
  seq: number;
  kind: "merge" | "abort";
  /** When it was decided (ms): the time the merged snapshots became current. */
  ms: number;
}

const logs = new WeakMap<ObjectStore, LakeLog>();

export function recordKey(seq: number): string {
  return `${DIR}${String(seq).padStart(20, "0")}.json`;
}

export class LakeLog {
  /** Highest sequence number known to exist. */
  #known: number | undefined;
  readonly #records = new Map<number, Promise<LakeRecord>>();

  private constructor(readonly store: ObjectStore) {}

  /** One log per store object, so its records are read once per process. */
  static of(store: ObjectStore): LakeLog {
    let log = logs.get(store);
    if (!log) logs.set(store, (log = new LakeLog(store)));
    return log;
  }

  /** The newest record's number: listed once, then found by asking for the next one. */
  async headSeq(): Promise<number> {
    if (this.#known === undefined) {
      let max = 0;
      for (const object of await this.store.list(DIR)) {
        const match = KEY.exec(object.key);
        if (match) max = Math.max(max, Number(match[1]));
      }
      this.#known = Math.max(this.#known ?? 0, max);
    }
    while (await this.store.head(recordKey(this.#known + 1))) this.#known++;
    return this.#known;
  }

  record(seq: number): Promise<LakeRecord> {
    let entry = this.#records.get(seq);
    if (!entry) {
      const key = recordKey(seq);
      entry = this.store.get(key).then((bytes) => parseRecord(bytes, this.store.uriOf(key), seq));
      entry.catch(() => this.#records.delete(seq));
      this.#records.set(seq, entry);
    }
    return entry;
  }

  async snapshot(): Promise<LakeSnapshot> {
    const seq = await this.headSeq();
    return { seq, state: seq === 0 ? { refs: {} } : (await this.record(seq)).state };
  }

  /** How merge `txn` ended, looking at records after `after` up to `upTo`; undefined while undecided. */
  async decisionOf(txn: string, after: number, upTo: number): Promise<Decision | undefined> {
    const seqs = Array.from({ length: Math.max(0, upTo - after) }, (_, i) => after + 1 + i);
    for (const record of await Promise.all(seqs.map((s) => this.record(s)))) {
      if ((record.kind === "merge" || record.kind === "abort") && record.txn === txn) {
        return { seq: record.seq, kind: record.kind, ms: Date.parse(record.at) };
      }
    }
    return undefined;
  }

  /**
   * Writes the record `make` builds from the newest state as the next one; losing the
   * race for its number, builds it again from the winner's state. `make` may throw (the
   * step is refused) or return undefined (nothing left to do).
   */
  async append(make: (head: LakeSnapshot) => Promise<RecordBody | undefined>): Promise<LakeRecord | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const head = await this.snapshot();
      const body = await make(head);
      if (!body) return undefined;
      const record: LakeRecord = { format: FORMAT, seq: head.seq + 1, at: new Date().toISOString(), ...body };
      if (await this.store.putIfAbsent(recordKey(record.seq), JSON.stringify(record, null, 2))) {
        this.#known = Math.max(this.#known ?? 0, record.seq);
        this.#records.set(record.seq, Promise.resolve(record));
        return record;
      }
    }
    throw new IcebergError("LOG_CONTENDED", `the lake's log at ${this.store.uriOf(DIR)} kept moving: ${MAX_ATTEMPTS} other lake-wide steps were written while this one tried; try again`);
  }

  /**
   * Decides merge `txn` as abandoned unless it was decided already (after record
   * `after`); returns how it ended, which may be "merge" if it won meanwhile.
   */
  async abort(txn: string, after: number, reason: string): Promise<Decision> {
    await this.append(async (head) => (await this.decisionOf(txn, after, head.seq)) ? undefined : { kind: "abort", txn, reason, state: head.state });
    return (await this.decisionOf(txn, after, await this.headSeq()))!;
  }
}

function parseRecord(bytes: Uint8Array, where: string, seq: number): LakeRecord {
  let record: LakeRecord;
  try {
    record = JSON.parse(new TextDecoder().decode(bytes)) as LakeRecord;
  } catch (err) {
    throw new IcebergError("CORRUPT_LOG", `cannot read the lake's log record ${where}: ${(err as Error).message}`);
  }
  if (record?.seq !== seq || typeof record.state?.refs !== "object") {
    throw new IcebergError("CORRUPT_LOG", `cannot read the lake's log record ${where}: it is not lakeloop commit record ${seq}`);
  }
  if (record.format > FORMAT) {
    throw new IcebergError("CORRUPT_LOG", `the lake's log record ${where} has format ${record.format}; this lakeloop reads format ${FORMAT}: upgrade lakeloop`);
  }
  return record;
}
