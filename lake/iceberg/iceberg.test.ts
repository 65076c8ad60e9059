import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scalar } from "../schema.js";
import { FileStore } from "../store/file-store.js";
import type { ObjectStore } from "../store/object-store.js";
import { openStore } from "../store/open-store.js";
import { startS3rver, type S3rverHandle } from "../../testing/s3rver.js";
import { decodeBound, encodeBound } from "./bounds.js";
import { Catalog } from "./catalog.js";
import { CommitConflictError } from "./errors.js";
import { formatPartitionValue, parsePartitionBy, transformValue } from "./partition.js";
import type { DataFile } from "./types.js";
import { openCatalog } from "../open-catalog.js";

const FIELDS = [
  { name: "id", type: "long" as const, required: true },
  { name: "usd", type: "double" as const, required: false },
  { name: "country", type: "string" as const, required: false },
  { name: "eventTime", type: "timestamp" as const, required: false },
];

const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

function fakeFile(key: string, month: number, rows: number): DataFile {
  return {
    path: `file:///nowhere/${key}.parquet`, format: "parquet", partition: { eventTime_month: month }, recordCount: rows,
    fileSizeBytes: rows * 10, columnSizes: new Map([[1, rows * 8]]), valueCounts: new Map([[1, rows]]), nullValueCounts: new Map([[2, 3]]),
    lowerBounds: new Map<number, Scalar>([[1, 0n], [3, "AT"], [4, micros("2023-01-01T00:00:00Z")]]),
    upperBounds: new Map<number, Scalar>([[1, BigInt(rows - 1)], [3, "SE"], [4, micros("2023-01-31T23:00:00Z")]]),
    splitOffsets: [4], specId: 0,
  };
}

for (const kind of ["file", "s3"] as const) {
  describe(`Iceberg tables on ${kind}://`, () => {
    let store: ObjectStore;
    let catalog: Catalog;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      if (kind === "file") {
        const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-iceberg-"));
        store = await FileStore.open(dir);
        cleanup = () => rm(dir, { recursive: true, force: true });
      } else {
        const s3: S3rverHandle = await startS3rver();
        store = await openStore(s3.uri("warehouse"), s3.env);
        cleanup = async () => { await store.close(); await s3.stop(); };
      }
      catalog = await openCatalog(store);
    });
    afterAll(async () => { await cleanup?.(); });

    it("creates, lists, loads and drops tables", async () => {
      const t = await catalog.createTable("sales.orders", FIELDS, { partitionBy: "month(eventTime)" });
      expect(t.schema().fields.map((f) => [f.id, f.name])).toEqual([[1, "id"], [2, "usd"], [3, "country"], [4, "eventTime"]]);
      expect(t.partitionSpec().fields).toEqual([{ "source-id": 4, "field-id": 1000, name: "eventTime_month", transform: "month" }]);
      expect(await catalog.listTables()).toContain("sales.orders");
      expect(await catalog.listNamespaces()).toContain("sales");
      await expect(catalog.createTable("sales.orders", FIELDS)).rejects.toThrow(/already exists/);
      await catalog.dropTable("sales.orders");
      expect(await catalog.tableExists("sales.orders")).toBe(false);
      await expect(catalog.loadTable("sales.orders")).rejects.toThrow(/does not exist/);
    });

    it("suggests the nearest table name", async () => {
      await catalog.createTable("transactions", FIELDS);
      await expect(catalog.loadTable("transaction")).rejects.toThrow(/table 'transaction' does not exist \(did you mean 'transactions'\?\)/);
    });

    it("appends, replaces and reads the data files of every snapshot, with bounds", async () => {
      let t = await catalog.createTable("events", FIELDS, { partitionBy: "month(eventTime)" });
      expect(await t.dataFiles()).toEqual([]);
      t = await t.commit({ operation: "append", files: [fakeFile("a", 636, 100)] });
      const first = t.currentSnapshot()!;
      t = await t.commit({ operation: "append", files: [fakeFile("b", 637, 50)] });
      const second = t.currentSnapshot()!;
      expect(second["parent-snapshot-id"]).toBe(first["snapshot-id"]);
      expect(second.summary).toMatchObject({ operation: "append", "total-records": "150", "total-data-files": "2" });
      const files = await (await catalog.loadTable("events")).dataFiles();
      expect(files.map((f) => f.path).sort()).toEqual(["file:///nowhere/a.parquet", "file:///nowhere/b.parquet"]);
      const a = files.find((f) => f.path.endsWith("a.parquet"))!;
      expect(a.partition).toEqual({ eventTime_month: 636 });
      expect(a.lowerBounds.get(4)).toBe(micros("2023-01-01T00:00:00Z"));
      expect(a.upperBounds.get(3)).toBe("SE");
      expect(a.nullValueCounts.get(2)).toBe(3);
      expect(a.splitOffsets).toEqual([4]);
      expect((await t.dataFiles(first)).map((f) => f.path)).toEqual(["file:///nowhere/a.parquet"]);

      t = await t.commit({ operation: "replace", files: [fakeFile("c", 638, 7)] });
      expect((await t.dataFiles()).map((f) => f.path)).toEqual(["file:///nowhere/c.parquet"]);
      expect(t.currentSnapshot()!.summary).toMatchObject({ operation: "overwrite", "deleted-data-files": "2", "total-records": "7" });
      expect((await t.dataFiles(second)).length).toBe(2); // older snapshots stay readable
    });

    it("travels in time by snapshot id and by timestamp", async () => {
      let t = await catalog.createTable("travel", FIELDS);
      t = await t.commit({ operation: "append", files: [fakeFile("t1", 0, 1)] });
      const s1 = t.currentSnapshot()!;
      await new Promise((r) => setTimeout(r, 5));
      t = await t.commit({ operation: "append", files: [fakeFile("t2", 0, 1)] });
      const s2 = t.currentSnapshot()!;
      expect(t.snapshotById(s1["snapshot-id"])).toEqual(s1);
      expect(t.snapshotAsOf(s1["timestamp-ms"])["snapshot-id"]).toBe(s1["snapshot-id"]);
      expect(t.snapshotAsOf(s2["timestamp-ms"] + 1000)["snapshot-id"]).toBe(s2["snapshot-id"]);
      expect(() => t.snapshotAsOf(s1["timestamp-ms"] - 1)).toThrow(/has no snapshot as of/);
      expect(() => t.snapshotById(42)).toThrow(/has no snapshot with id 42; snapshots: /);
    });

    it("lets exactly one of two racing writers win without retries, and both land with them", async () => {
      const base = await catalog.createTable("race", FIELDS);
      const results = await Promise.allSettled([
        base.commit({ operation: "append", files: [fakeFile("r1", 0, 1)] }, { retries: 0 }),
        base.commit({ operation: "append", files: [fakeFile("r2", 0, 1)] }, { retries: 0 }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(lost.reason).toBeInstanceOf(CommitConflictError);
      expect(String(lost.reason.message)).toMatch(/commit to table 'default.race' lost the race for metadata version v2/);

      const now = await catalog.loadTable("race");
      await Promise.all([
        now.commit({ operation: "append", files: [fakeFile("r3", 0, 1)] }),
        now.commit({ operation: "append", files: [fakeFile("r4", 0, 1)] }),
      ]);
      const files = (await (await catalog.loadTable("race")).dataFiles()).map((f) => f.path.split("/").pop()).sort();
      expect(files).toHaveLength(3);
      expect(files).toEqual(expect.arrayContaining(["r3.parquet", "r4.parquet"]));
    });

    it("keeps the previous snapshot intact when a commit dies before publishing metadata", async () => {
      let t = await catalog.createTable("crash", FIELDS);
      t = await t.commit({ operation: "append", files: [fakeFile("ok", 0, 5)] });
      // A writer that wrote its manifests and manifest list, then died: simulate by
      // writing orphan manifest files without the metadata version.
      await store.put(`${t.rootKey}/metadata/orphan-m0.avro`, "half written");
      await store.put(`${t.rootKey}/metadata/snap-1-orphan.avro`, "half written");
      const again = await catalog.loadTable("crash");
      expect(again.version).toBe(t.version);
      expect((await again.dataFiles()).map((f) => f.recordCount)).toEqual([5]);
    });

    it("drops a table atomically: a racing commit fails, nothing resurrects it, the name can be reused", async () => {
      let t = await catalog.createTable("dropme", FIELDS);
      t = await t.commit({ operation: "append", files: [fakeFile("d1", 0, 3)] });
      const stale = await catalog.loadTable("dropme");
      await catalog.dropTable("dropme");
      expect(await catalog.tableExists("dropme")).toBe(false);
      expect(await catalog.listTables()).not.toContain("default.dropme");
      await expect(catalog.loadTable("dropme")).rejects.toThrow(/table 'dropme' does not exist/);
      // A writer that loaded the table before the drop loses the race for the next version and finds no table.
      await expect(stale.commit({ operation: "append", files: [fakeFile("late", 0, 1)] })).rejects.toThrow(/does not exist/);
      expect(await catalog.tableExists("dropme")).toBe(false);
      const again = await catalog.createTable("dropme", FIELDS.slice(0, 2));
      expect(again.version).toBeGreaterThan(t.version);
      expect((await catalog.loadTable("dropme")).schema().fields.map((f) => f.name)).toEqual(["id", "usd"]);
      expect(await again.dataFiles()).toEqual([]);
    });

    it("rolls back to an earlier snapshot as a new version, and forward again", async () => {
      let t = await catalog.createTable("undo", FIELDS);
      t = await t.commit({ operation: "append", files: [fakeFile("u1", 0, 10)] });
      const first = t.currentSnapshot()!["snapshot-id"];
      t = await t.commit({ operation: "replace", files: [fakeFile("u2", 0, 2)] });
      const second = t.currentSnapshot()!["snapshot-id"];
      const back = await t.rollbackTo(first);
      expect(back.version).toBe(t.version + 1);
      const loaded = await catalog.loadTable("undo");
      expect(loaded.currentSnapshot()!["snapshot-id"]).toBe(first);
      expect((await loaded.dataFiles()).map((f) => f.recordCount)).toEqual([10]);
      expect(loaded.metadata.snapshots.map((s) => s["snapshot-id"])).toEqual([first, second]);
      expect((await loaded.rollbackTo(second)).currentSnapshot()!["snapshot-id"]).toBe(second);
      await expect(loaded.rollbackTo(42)).rejects.toThrow(/has no snapshot with id 42/);
    });

    it("names the file when metadata is corrupt", async () => {
      const t = await catalog.createTable("broken", FIELDS);
      await store.put(`${t.rootKey}/metadata/v2.metadata.json`, "{ not json");
      await expect(catalog.loadTable("broken")).rejects.toThrow(/cannot read Iceberg metadata .*broken\/metadata\/v2\.metadata\.json/);
    });
  });
}

describe("bounds", () => {
  it("round-trips every type in Iceberg's single-value serialization", () => {
    const cases: [Scalar, Parameters<typeof encodeBound>[1]][] = [
      [true, "boolean"], [-5, "int"], [2n ** 40n, "long"], [1.5, "float"], [-2.25, "double"],
      [19358, "date"], [micros("2023-01-01T00:00:00Z"), "timestamp"], [micros("1969-12-31T23:59:59Z"), "timestamptz"],
      ["Zürich", "string"], [Uint8Array.of(0, 255, 7), "binary"],
    ];
    for (const [value, type] of cases) expect(decodeBound(encodeBound(value, type), type)).toEqual(value);
    expect([...encodeBound(1, "int")]).toEqual([1, 0, 0, 0]);
    expect([...encodeBound(1n, "long")]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe("partition transforms", () => {
  it("compute ordinals since 1970 with floor semantics before the epoch", () => {
    const ts = micros("2023-02-15T13:45:00Z");
    expect(transformValue("year", ts, "timestamp")).toBe(53);
    expect(transformValue("month", ts, "timestamp")).toBe(53 * 12 + 1);
    expect(transformValue("day", ts, "timestamp")).toBe(19403);
    expect(transformValue("hour", ts, "timestamp")).toBe(19403 * 24 + 13);
    expect(transformValue("day", micros("1969-12-31T23:59:59Z"), "timestamp")).toBe(-1);
    expect(transformValue("month", micros("1969-12-31T23:59:59Z"), "timestamp")).toBe(-1);
    expect(transformValue("hour", micros("1969-12-31T23:00:00Z"), "timestamp")).toBe(-1);
    expect(transformValue("month", 19403, "date")).toBe(637);
    expect(transformValue("identity", "IT", "string")).toBe("IT");
    expect(transformValue("day", null, "timestamp")).toBeNull();
  });

  it("formats partition directory names", () => {
    expect(formatPartitionValue("month", 636)).toBe("2023-01");
    expect(formatPartitionValue("month", -1)).toBe("1969-12");
    expect(formatPartitionValue("day", 19403)).toBe("2023-02-15");
    expect(formatPartitionValue("hour", 19403 * 24 + 13)).toBe("2023-02-15-13");
    expect(formatPartitionValue("year", 53)).toBe("2023");
  });

  it("parses partition clauses and explains mistakes", () => {
    const schema = { "schema-id": 0, type: "struct" as const, fields: FIELDS.map((f, i) => ({ ...f, id: i + 1 })) };
    expect(parsePartitionBy("day(eventTime), country", schema).map((f) => [f.name, f.transform, f["source-id"]]))
      .toEqual([["eventTime_day", "day", 4], ["country", "identity", 3]]);
    expect(() => parsePartitionBy("week(eventTime)", schema)).toThrow(/unknown partition transform 'week'/);
    expect(() => parsePartitionBy("day(country)", schema)).toThrow(/day\(country\) needs a date or timestamp column/);
    expect(() => parsePartitionBy("month(evenTime)", schema)).toThrow(/partition column 'evenTime' .* is not a column/);
  });
});
