// Branches and merges on file:// and on S3 (s3rver): refs only, no data copied; a
// merge publishes every changed table or none, also against racing writers; readers
// see a merge's tables all at once.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../store/file-store.js";
import type { ObjectStore } from "../../store/object-store.js";
import { openStore } from "../../store/open-store.js";
import { startS3rver, type S3rverHandle } from "../../../testing/s3rver.js";
import { Catalog } from "../catalog.js";
import type { Table } from "../table.js";
import type { DataFile } from "../types.js";
import { createRef, deleteRef, listRefs } from "./branch-ops.js";
import { commitOnRef, createTableOn } from "./commit-on-ref.js";
import { LakeLog } from "./lake-log.js";
import { LakeView } from "./lake-view.js";
import { mergeRefs } from "./merge.js";
import { pendingsOf } from "./pending.js";
import { gateStore } from "../../../testing/gated-store.js";
import { openCatalog } from "../../open-catalog.js";

const FIELDS = [{ name: "id", type: "long" as const, required: false }];

function fakeFile(table: Table, rows: number): DataFile {
  return {
    path: `${table.location}/data/${randomUUID()}.parquet`, format: "parquet", partition: {}, recordCount: rows, fileSizeBytes: rows * 8,
    columnSizes: new Map(), valueCounts: new Map(), nullValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map(), specId: 0,
  };
}

/** Replaces a table's rows on a ref with one (pretend) file of `rows` rows; returns the new snapshot id. */
async function write(catalog: Catalog, ref: string, name: string, rows: number): Promise<number> {
  const view = await LakeView.open(catalog, ref);
  const raw = (await catalog.tableExists(name)) ? await catalog.loadTable(name) : await createTableOn(view, name, FIELDS);
  return (await commitOnRef(view, raw, { operation: "replace", files: [fakeFile(raw, rows)] })).snapshotId;
}

/** Each table's snapshot on a ref (null: empty, "absent": not on the ref), read through one view. */
async function positions(catalog: Catalog, ref: string, names: string[]): Promise<Array<number | null | "absent">> {
  const view = await LakeView.open(catalog, ref);
  return Promise.all(names.map(async (n) => {
    const located = await view.locate(n);
    return located?.position === undefined ? "absent" : located.position;
  }));
}

async function rowsOn(catalog: Catalog, ref: string, name: string): Promise<number> {
  const table = await (await LakeView.open(catalog, ref)).loadTable(name);
  return (await table.dataFiles()).reduce((s, f) => s + f.recordCount, 0);
}

/** The main snapshots of a table back from its current one. */
function mainAncestry(table: Table): number[] {
  const ids: number[] = [];
  for (let s = table.currentSnapshot(); s; s = s["parent-snapshot-id"] === undefined ? undefined : table.snapshotById(s["parent-snapshot-id"])) ids.push(s["snapshot-id"]);
  return ids;
}

for (const kind of ["file", "s3"] as const) {
  describe(`branches on ${kind}://`, () => {
    let s3: S3rverHandle | undefined;
    let dir: string;
    const stores: ObjectStore[] = [];
    beforeAll(async () => {
      if (kind === "s3") s3 = await startS3rver();
      else dir = await mkdtemp(path.join(tmpdir(), "lakeloop-branches-"));
    });
    afterAll(async () => {
      for (const s of stores) await s.close();
      await s3?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });
    /** A fresh lake; `again()` opens it once more, as another process would. */
    const newLake = async () => {
      const uri = s3 ? s3.uri(`lake-${randomUUID()}`) : `file://${path.join(dir, randomUUID())}`;
      const open = async () => {
        const store = s3 ? await openStore(uri, s3.env) : await FileStore.open(new URL(uri).pathname);
        stores.push(store);
        return store;
      };
      const store = await open();
      return { store, catalog: await openCatalog(store), open };
    };

    it("a branch is refs only: no data copied, main untouched by writes on the branch", async () => {
      const { store, catalog } = await newLake();
      const a0 = await write(catalog, "main", "a", 10);
      const b0 = await write(catalog, "main", "b", 20);
      const dataBefore = (await store.list("")).filter((o) => o.key.endsWith(".parquet") || o.key.includes("/data/")).length;
      const objectsBefore = (await store.list("")).length;
      await createRef(catalog, "dev", "branch");
      const after = await store.list("");
      // Only the log record and one metadata version per table (its refs entry) were added.
      expect(after.length - objectsBefore).toBe(1 + 2 + 2 /* version hints are rewritten, not added */ - 2);
      expect(after.filter((o) => o.key.startsWith("_lakeloop/commits/")).map((o) => o.key)).toEqual(["_lakeloop/commits/00000000000000000001.json"]);
      expect(dataBefore).toBe(0);
      const rawA = await catalog.loadTable("a");
      expect(rawA.metadata.refs).toEqual({ main: { "snapshot-id": a0, type: "branch" }, dev: { "snapshot-id": a0, type: "branch" } });
      expect(await positions(catalog, "dev", ["a", "b"])).toEqual([a0, b0]);

      const a1 = await write(catalog, "dev", "a", 11);
      expect(await positions(catalog, "dev", ["a", "b"])).toEqual([a1, b0]);
      expect(await positions(catalog, "main", ["a", "b"])).toEqual([a0, b0]);
      expect(await rowsOn(catalog, "main", "a")).toBe(10);
      expect(await rowsOn(catalog, "dev", "a")).toBe(11);
      const raw = await catalog.loadTable("a");
      expect(raw.currentSnapshot()!["snapshot-id"]).toBe(a0);
      expect(raw.metadata.refs.dev).toEqual({ "snapshot-id": a1, type: "branch" });
      expect(raw.snapshotById(a1)["parent-snapshot-id"]).toBe(a0);
    });

    it("merge publishes every table the branch changed, including tables made on it, and nothing else", async () => {
      const { catalog } = await newLake();
      await write(catalog, "main", "a", 10);
      const b0 = await write(catalog, "main", "b", 20);
      await createRef(catalog, "dev", "branch");
      const a1 = await write(catalog, "dev", "a", 11);
      const c1 = await write(catalog, "dev", "c", 30);
      expect(await positions(catalog, "main", ["c"])).toEqual(["absent"]);
      expect(await (await LakeView.open(catalog)).listTables()).toEqual(["default.a", "default.b"]);
      await expect((await LakeView.open(catalog)).loadTable("c")).rejects.toThrow("table 'c' is not on main; it is on branch dev (merge it into main to publish it)");
      expect((await listRefs(catalog)).map((r) => [r.name, r.type, r.changed])).toEqual([["main", "branch", []], ["dev", "branch", ["a", "c"]]]);

      const result = await mergeRefs(catalog, "dev");
      expect(result.published).toEqual([{ table: "default.a", snapshotId: a1 }, { table: "default.c", snapshotId: c1 }]);
      expect(await positions(catalog, "main", ["a", "b", "c"])).toEqual([a1, b0, c1]);
      // Iceberg-native: each table's own metadata now says so, for any engine.
      for (const [name, id] of [["a", a1], ["c", c1]] as const) {
        const raw = await catalog.loadTable(name);
        expect(raw.metadata["current-snapshot-id"]).toBe(id);
        expect(raw.metadata.refs.main).toEqual({ "snapshot-id": id, type: "branch" });
        expect(pendingsOf(raw.metadata)).toEqual([]);
      }
      expect((await listRefs(catalog)).find((r) => r.name === "dev")!.changed).toEqual([]);
      expect(await mergeRefs(catalog, "dev")).toMatchObject({ published: [] });
    });

    it("refuses a merge when a table changed on both sides, naming every such table, and changes nothing", async () => {
      const { catalog } = await newLake();
      await write(catalog, "main", "a", 10);
      await write(catalog, "main", "b", 20);
      await write(catalog, "main", "c", 30);
      await createRef(catalog, "dev", "branch");
      await write(catalog, "dev", "a", 11);
      await write(catalog, "dev", "b", 21);
      await write(catalog, "dev", "c", 31);
      const a2 = await write(catalog, "main", "a", 12);
      const c2 = await write(catalog, "main", "c", 32);
      const before = await positions(catalog, "main", ["a", "b", "c"]);
      await expect(mergeRefs(catalog, "dev")).rejects.toMatchObject({
        code: "MERGE_CONFLICT", tables: ["default.a", "default.c"],
        message: expect.stringContaining("cannot merge dev into main: tables a, c changed on both dev and main since dev was made or last merged; nothing was merged"),
      });
      expect(await positions(catalog, "main", ["a", "b", "c"])).toEqual(before);
      expect(before[0]).toBe(a2);
      expect(before[2]).toBe(c2);
      expect(await LakeLog.of(catalog.store).headSeq()).toBe(1);
    });

    it("brings a branch up to date from main, then merges it back", async () => {
      const { catalog } = await newLake();
      await write(catalog, "main", "a", 10);
      await write(catalog, "main", "b", 20);
      await createRef(catalog, "dev", "branch");
      const b1 = await write(catalog, "main", "b", 21);
      const n1 = await write(catalog, "main", "n", 5);
      const a1 = await write(catalog, "dev", "a", 11);
      expect(await positions(catalog, "dev", ["n"])).toEqual(["absent"]);
      await expect(mergeRefs(catalog, "main", "dev")).resolves.toMatchObject({ published: [{ table: "default.b", snapshotId: b1 }, { table: "default.n", snapshotId: n1 }] });
      expect(await positions(catalog, "dev", ["a", "b", "n"])).toEqual([a1, b1, n1]);
      await expect(mergeRefs(catalog, "dev")).resolves.toMatchObject({ published: [{ table: "default.a", snapshotId: a1 }] });
      expect(await positions(catalog, "main", ["a", "b", "n"])).toEqual([a1, b1, n1]);
    });

    it("tags never change; branches start from main, a branch, a tag or a snapshot; deleting a branch drops what only it had", async () => {
      const { catalog } = await newLake();
      const a0 = await write(catalog, "main", "a", 10);
      const b0 = await write(catalog, "main", "b", 20);
      await createRef(catalog, "v1", "tag");
      expect((await catalog.loadTable("a")).metadata.refs.v1).toEqual({ "snapshot-id": a0, type: "tag" });
      await expect(write(catalog, "v1", "a", 1)).rejects.toThrow("'v1' is a tag, and tags never change");
      const a1 = await write(catalog, "main", "a", 11);
      await write(catalog, "main", "b", 21);
      expect(await positions(catalog, "v1", ["a", "b"])).toEqual([a0, b0]);

      await createRef(catalog, "fix", "branch", "v1");
      expect(await positions(catalog, "fix", ["a", "b"])).toEqual([a0, b0]);
      // From a snapshot of a: a at it, every other table as main had it then.
      await createRef(catalog, "past", "branch", String(a1));
      expect(await positions(catalog, "past", ["a", "b"])).toEqual([a1, b0]);
      await expect(createRef(catalog, "fix", "branch")).rejects.toThrow("branch 'fix' already exists (made from v1 at");
      await expect(createRef(catalog, "main", "branch")).rejects.toThrow("'main' is the lake's main branch");
      await expect(createRef(catalog, "x", "branch", "nope")).rejects.toThrow("the lake has no branch or tag 'nope'");
      await expect(createRef(catalog, "x", "branch", "123")).rejects.toThrow("no table of the lake has snapshot 123");
      await expect(mergeRefs(catalog, "v1")).rejects.toThrow("'v1' is a tag, and tags never change");
      await expect(mergeRefs(catalog, "fix", "past")).rejects.toThrow("merges go between main and a branch");

      await write(catalog, "fix", "only", 3);
      await write(catalog, "fix", "a", 12);
      await deleteRef(catalog, "fix", "branch");
      expect(await catalog.tableExists("only")).toBe(false);
      expect((await catalog.loadTable("a")).metadata.refs.fix).toBeUndefined();
      await expect(LakeView.open(catalog, "fix")).rejects.toThrow("the lake has no branch or tag 'fix'");
      await expect(deleteRef(catalog, "v1", "branch")).rejects.toThrow("'v1' is a tag, not a branch");
      // A new branch of the same name starts clean.
      await createRef(catalog, "fix", "branch");
      expect(await positions(catalog, "fix", ["a", "only"])).toEqual([a1, "absent"]);
    });

    it("a reader sees all of a merge's tables at their new snapshots or none, at every step of the merge", async () => {
      const { catalog, open } = await newLake();
      const a0 = await write(catalog, "main", "a", 10);
      const b0 = await write(catalog, "main", "b", 20);
      await createRef(catalog, "dev", "branch");
      const a1 = await write(catalog, "dev", "a", 11);
      const b1 = await write(catalog, "dev", "b", 21);
      const versionOfA = (await catalog.loadTable("a")).version;

      // Hold the merge just before its decision record.
      const decide = gateStore(await open(), (key) => key.startsWith("_lakeloop/commits/"));
      const merging = mergeRefs(await openCatalog(decide.store), "dev");
      await decide.reached;
      const reader = await openCatalog(await open());
      expect(await positions(reader, "main", ["a", "b"])).toEqual([a0, b0]);
      const early = await LakeView.open(reader); // a view opened before the decision
      expect((await reader.loadTable("a")).version).toBe(versionOfA + 1); // a's claim is written
      decide.release();
      await merging;
      expect(await positions(reader, "main", ["a", "b"])).toEqual([a1, b1]);
      // The early view still sees neither, though both tables' metadata moved on.
      expect(await Promise.all(["a", "b"].map(async (n) => (await early.locate(n))!.position))).toEqual([a0, b0]);
    });

    it("a reader between the decision and a table's applied version sees the merge in every table", async () => {
      const { catalog, open } = await newLake();
      const a0 = await write(catalog, "main", "a", 10);
      const b0 = await write(catalog, "main", "b", 20);
      await createRef(catalog, "dev", "branch");
      const a1 = await write(catalog, "dev", "a", 11);
      const b1 = await write(catalog, "dev", "b", 21);
      const versionOfA = (await catalog.loadTable("a")).version;
      const before = await LakeView.open(await openCatalog(await open()));
      const gate = gateStore(await open(), (key) => key === `default/a/metadata/v${versionOfA + 2}.metadata.json`);
      const merging = mergeRefs(await openCatalog(gate.store), "dev");
      await gate.reached;
      // Table a still has the merge pending in its metadata (b may have it applied already).
      const reader = await openCatalog(await open());
      expect(pendingsOf((await reader.loadTable("a")).metadata)).toHaveLength(1);
      expect(await positions(reader, "main", ["a", "b"])).toEqual([a1, b1]);
      expect(await Promise.all(["a", "b"].map(async (n) => (await before.locate(n))!.position))).toEqual([a0, b0]);
      gate.release();
      await merging;
      expect(pendingsOf((await reader.loadTable("a")).metadata)).toHaveLength(0);
    });

    it("a direct commit to main between a merge's claims and its decision wins; the merge publishes nothing and names the table", async () => {
      const { catalog, open } = await newLake();
      const a0 = await write(catalog, "main", "a", 10);
      const b0 = await write(catalog, "main", "b", 20);
      await createRef(catalog, "dev", "branch");
      await write(catalog, "dev", "a", 11);
      await write(catalog, "dev", "b", 21);
      const gate = gateStore(await open(), (key) => key.startsWith("_lakeloop/commits/"));
      const merging = mergeRefs(await openCatalog(gate.store), "dev").then(() => "merged", (err: Error) => err.message);
      await gate.reached;
      const other = await openCatalog(await open());
      const a2 = await write(other, "main", "a", 12);
      gate.release();
      expect(await merging).toBe("cannot merge dev into main: another writer committed to table a on main while the merge was deciding; nothing was merged: try again");
      expect(await positions(other, "main", ["a", "b"])).toEqual([a2, b0]);
      const raw = await other.loadTable("a");
      expect(raw.snapshotById(a2)["parent-snapshot-id"]).toBe(a0);
      expect(pendingsOf(raw.metadata)).toEqual([]);
      // b's claim was abandoned with the merge: a later commit builds on b0.
      const b2 = await write(other, "main", "b", 22);
      expect((await other.loadTable("b")).snapshotById(b2)["parent-snapshot-id"]).toBe(b0);
    });

    it("a merge that meets another merge's claim yields: one winner, nothing half-merged", async () => {
      const { catalog, open } = await newLake();
      const a0 = await write(catalog, "main", "a", 10);
      const b0 = await write(catalog, "main", "b", 20);
      await createRef(catalog, "one", "branch");
      await createRef(catalog, "two", "branch");
      const a1 = await write(catalog, "one", "a", 11);
      const b1 = await write(catalog, "one", "b", 21);
      await write(catalog, "two", "a", 12);
      await write(catalog, "two", "b", 22);
      const gate = gateStore(await open(), (key) => key.startsWith("_lakeloop/commits/"));
      const first = mergeRefs(await openCatalog(gate.store), "one");
      await gate.reached;
      await expect(mergeRefs(await openCatalog(await open()), "two")).rejects.toThrow("another merge into main is publishing table a; this merge stopped and changed nothing: try again");
      gate.release();
      await first;
      expect(await positions(catalog, "main", ["a", "b"])).toEqual([a1, b1]);
      await expect(mergeRefs(catalog, "two")).rejects.toThrow("tables a, b changed on both two and main");
      expect(a0 && b0).toBeTruthy();
    });

    it("free races: merges against merges and direct commits end with one winner each round, never half-merged", async () => {
      const { catalog, open } = await newLake();
      await write(catalog, "main", "a", 10);
      await write(catalog, "main", "b", 20);
      for (let round = 0; round < 4; round++) {
        await createRef(catalog, `x${round}`, "branch");
        await createRef(catalog, `y${round}`, "branch");
        const xa = await write(catalog, `x${round}`, "a", 100 + round);
        const xb = await write(catalog, `x${round}`, "b", 200 + round);
        const ya = await write(catalog, `y${round}`, "a", 300 + round);
        const yb = await write(catalog, `y${round}`, "b", 400 + round);
        const [c1, c2, c3, c4] = await Promise.all([1, 2, 3, 4].map(async () => openCatalog(await open())));
        const reads: Array<Array<number | null | "absent">> = [];
        const outcomes = await Promise.allSettled([
          mergeRefs(c1!, `x${round}`),
          mergeRefs(c2!, `y${round}`),
          round % 2 ? write(c3!, "main", "a", 1) : Promise.resolve(0),
          (async () => { for (let i = 0; i < 3; i++) reads.push(await positions(c4!, "main", ["a", "b"])); })(),
        ]);
        const merged = outcomes.slice(0, 2).map((o) => o.status === "fulfilled");
        const direct = outcomes[2]!;
        expect(direct.status).toBe("fulfilled");
        // At most one merge wins (both touch a and b); with no direct commit, exactly one.
        expect(merged.filter(Boolean).length).toBeLessThanOrEqual(1);
        if (round % 2 === 0) expect(merged.filter(Boolean).length).toBe(1);
        for (const o of outcomes.slice(0, 2)) if (o.status === "rejected") expect((o.reason as Error).message).toMatch(/cannot merge|another merge|changed on both/);
        const [a, b] = (await positions(catalog, "main", ["a", "b"])) as number[];
        const ancestry = mainAncestry(await (await LakeView.open(catalog)).loadTable("a"));
        // b is some merge's exactly when a went through that merge's snapshot.
        if (merged[0]) expect([b, ancestry.includes(xa)]).toEqual([xb, true]);
        else if (merged[1]) expect([b, ancestry.includes(ya)]).toEqual([yb, true]);
        else expect([b === xb || b === yb, ancestry.includes(xa) || ancestry.includes(ya)]).toEqual([false, false]);
        // Every read saw both of a merge's tables or neither.
        for (const [ra, rb] of reads) expect(rb === xb || rb === yb ? [xa, ya].includes(ra as number) || ra === a : true).toBe(true);
        expect(a).toBeTypeOf("number");
        // What claims are left in the tables' metadata are decided (applied or dropped by the next commit).
        const log = LakeLog.of(catalog.store);
        for (const name of ["a", "b"]) {
          for (const [, p] of pendingsOf((await catalog.loadTable(name)).metadata)) expect(await log.decisionOf(p.txn, p.seq, await log.headSeq())).toBeDefined();
        }
      }
    });

    it("a stalled merge's claim is aborted by the next commit, or by a merge once it is stale", async () => {
      const { catalog, open } = await newLake();
      const a0 = await write(catalog, "main", "a", 10);
      await createRef(catalog, "dev", "branch");
      const a1 = await write(catalog, "dev", "a", 11);
      // A merge whose process stopped after claiming a: simulated by claiming and never deciding.
      const gate = gateStore(await open(), (key) => key.startsWith("_lakeloop/commits/"));
      const stalled = mergeRefs(await openCatalog(gate.store), "dev").then(() => "merged", (err: Error) => err.message);
      await gate.reached;
      expect(pendingsOf((await catalog.loadTable("a")).metadata)).toHaveLength(1);
      expect(await positions(catalog, "main", ["a"])).toEqual([a0]);
      // Make the claim old: rewrite its time in place (as if an hour passed).
      const raw = await catalog.loadTable("a");
      const [ref, pending] = pendingsOf(raw.metadata)[0]!;
      const aged = { ...raw.metadata, properties: { ...raw.metadata.properties, [`lakeloop.pending.${ref}`]: JSON.stringify({ ...pending, ms: pending.ms - 3_600_000 }) } };
      await catalog.store.put(raw.metadataKey, JSON.stringify(aged));
      await expect(mergeRefs(await openCatalog(await open()), "dev")).resolves.toMatchObject({ published: [{ table: "default.a", snapshotId: a1 }] });
      expect(await positions(catalog, "main", ["a"])).toEqual([a1]);
      gate.release();
      expect(await stalled).toBe("cannot merge dev into main: it stalled, and another merge into main took table a over; nothing was merged: try again");
      expect(await positions(catalog, "main", ["a"])).toEqual([a1]);
    });
  });
}
