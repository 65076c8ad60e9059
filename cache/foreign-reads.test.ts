// Reading tables other engines wrote, row by row, through the scan planner and the
// column cache, from a local folder (file://) and from S3 (s3rver): position deletes
// (Spark, the Iceberg Java API), equality deletes (Spark; the Java API; partitioned
// and not), a deletion vector (Iceberg v3, a DuckDB-written blob), renamed and added
// columns, bucket[4] and null partitions pruned, exact decimals, uuids, files without
// field ids read through the table's name mapping, time travel by snapshot id, and
// data fragments reused across snapshots. Fixtures: lake/iceberg/fixtures/README.md
// and fixtures/duckdb-iceberg/README.md.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Table } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCell } from "../engine/present/format-value.js";
import { main } from "../cli/main.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { putFixtureTable } from "../testing/iceberg-fixtures.js";
import type { ScanRequest } from "../lake/scan/scan-plan.js";
import { FileStore } from "../lake/store/file-store.js";
import type { ObjectStore } from "../lake/store/object-store.js";
import { openStore } from "../lake/store/open-store.js";
import { startS3rver, type S3rverHandle } from "../testing/s3rver.js";
import { ColumnCache } from "./column-cache.js";
import { scanTable } from "./scan-table.js";
import { openCatalog } from "../lake/open-catalog.js";

const FIXTURES: [string, string][] = [
  ["icebird/spark/bunnies", "spark/bunnies"],
  ["icebird/java/bunnies", "java/bunnies"],
  ["icebird/spark/rename_column", "spark/renamed"],
  ["duckdb-iceberg/mydb/mytable", "mydb/eq_deletes"],
  ["duckdb-iceberg/mydb/mytable_partitioned", "mydb/eq_deletes_partitioned"],
  ["duckdb-iceberg/mydb/name_mapped", "mydb/name_mapped"],
  ["duckdb-iceberg/default/uuids", "default/uuids"],
  ["duckdb-iceberg/default/bare_dv", "default/deletion_vector"],
];

/** Rows as objects of exact text (decimals with their scale, ISO dates, longs in full). */
function rowsOf(table: Table): Record<string, string | null>[] {
  const columns = table.schema.fields.map((f, i) => [f.name, table.getChildAt(i)!] as const);
  return Array.from({ length: table.numRows }, (_, r) => Object.fromEntries(columns.map(([name, c]) => [name, formatCell(c, r, "exact")])));
}

const byKey = (key: string) => (a: Record<string, string | null>, b: Record<string, string | null>) => String(a[key]).localeCompare(String(b[key]), "en", { numeric: true });

function suite(name: string, open: () => Promise<{ store: ObjectStore; stop(): Promise<void> }>) {
  describe(name, () => {
    let catalog: Catalog;
    let cache: ColumnCache;
    let cacheDir: string;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      const opened = await open();
      stop = opened.stop;
      for (const [fixture, at] of FIXTURES) await putFixtureTable(opened.store, fixture, at);
      catalog = await openCatalog(opened.store);
      cacheDir = await mkdtemp(path.join(tmpdir(), "lakeloop-foreign-cache-"));
      cache = new ColumnCache({ store: catalog.store, diskDir: cacheDir });
    }, 60_000);
    afterAll(async () => {
      await cache?.close();
      await stop?.();
      await rm(cacheDir, { recursive: true, force: true });
    });
    const scan = (request: ScanRequest) => scanTable(catalog, cache, request);

    it("applies Spark's position delete: the current snapshot has 20 rabbits; snapshot 1 by id, with its older schema, 21", async () => {
      const now = await scan({ table: "spark.bunnies", columns: ["Breed Name", "Popularity Rank", "breed_name_length"] });
      const rows = rowsOf(now.table).sort(byKey("Popularity Rank"));
      expect(rows).toHaveLength(20);
      expect(rows.map((r) => r["Breed Name"])).not.toContain("Holland Lop");
      expect(rows[0]).toEqual({ "Breed Name": "Netherland Dwarf", "Popularity Rank": "2", breed_name_length: "16" });
      const first = await scan({ table: "spark.bunnies", snapshotId: 7505300640432048841 });
      expect(first.table.schema.fields.map((f) => f.name)).not.toContain("breed_name_length");
      const old = rowsOf(first.table).sort(byKey("Popularity Rank"));
      expect(old).toHaveLength(21);
      expect(old[0]).toMatchObject({ "Breed Name": "Holland Lop", "Average Weight": "1.8", Lifespan: "7", "Origin Country": "The Netherlands" });
    });

    it("applies the Java API's position and equality deletes, and reads the column added since the first file was written", async () => {
      const now = rowsOf((await scan({ table: "java.bunnies" })).table);
      expect(now).toHaveLength(15);
      const zealand = now.filter((r) => r["Breed Name"] === "New Zealand");
      expect(zealand).toEqual([{
        "Breed Name": "New Zealand", "Average Weight": "4", "Fur Length": "2.7", Lifespan: "8", "Origin Country": "New Zealand",
        "Ear Type": "Erect", Temperament: "Affectionate", "Popularity Rank": "0", __happy__: "true",
      }]);
      // Rows of the first file predate __happy__: null there.
      expect(now.filter((r) => r["Breed Name"] !== "New Zealand").every((r) => r.__happy__ === null)).toBe(true);
      for (const gone of ["Flemish Giant", "English Lop", "Rex", "Mini Lop", "Lionhead", "French Angora"]) expect(now.map((r) => r["Breed Name"])).not.toContain(gone);
      // Before the equality delete, the old New Zealand row is the live one.
      const before = rowsOf((await scan({ table: "java.bunnies", snapshotId: 6458828015811002920 })).table);
      expect(before).toHaveLength(15);
      expect(before.find((r) => r["Breed Name"] === "New Zealand")).toMatchObject({ "Popularity Rank": "21" });
    });

    it("applies equality deletes snapshot by snapshot, only to older data files; columns they compare need not be asked for", async () => {
      const table = await catalog.loadTable("mydb.eq_deletes");
      const expected = [[1, 2, 3, 4], [1, 3, 4], [3, 4], [4], [4, 5, 6], [4, 5]];
      for (const [i, snapshot] of table.metadata.snapshots.entries()) {
        if (i === 1) {
          // The fixture does not ship snapshot 2's manifest list: reading it says which file is missing.
          await expect(scan({ table: "mydb.eq_deletes", snapshotId: snapshot["snapshot-id"] })).rejects.toThrow(/snap-7342794868382145167-1-.*avro/);
          continue;
        }
        const ids = rowsOf((await scan({ table: "mydb.eq_deletes", columns: ["id"], snapshotId: snapshot["snapshot-id"] })).table).map((r) => Number(r.id)).sort((a, b) => a - b);
        expect(ids, `snapshot ${i + 1}`).toEqual(expected[i]);
      }
      const bir = await scan({ table: "mydb.eq_deletes", columns: ["bir"] });
      expect(rowsOf(bir.table).map((r) => r.bir).sort()).toEqual(["2025-01-04", "2025-01-05"]);
      expect(bir.stats.rowsDeleted).toBeGreaterThan(0);
      const filtered = await scan({ table: "mydb.eq_deletes", columns: ["bir"], filter: "id = 4" });
      expect(rowsOf(filtered.table)).toEqual([{ bir: "2025-01-04" }]);
      const partitioned = rowsOf((await scan({ table: "mydb.eq_deletes_partitioned" })).table).sort(byKey("id"));
      expect(partitioned).toEqual([
        { id: "1", name: "a", bir: "2025-01-01" }, { id: "4", name: "d", bir: "2025-01-04" }, { id: "5", name: "e", bir: "2025-01-05" },
      ]);
    });

    it("applies a deletion vector read from its byte range", async () => {
      const result = await scan({ table: "default.deletion_vector" });
      expect(rowsOf(result.table).sort(byKey("id"))).toEqual([{ id: "1", source: "legacy" }, { id: "3", source: "legacy" }]);
      expect(result.stats.rowsDeleted).toBe(1);
    });

    it("reads a renamed column by field id, exact decimals, and prunes bucket[4] and null partitions", async () => {
      const all = rowsOf((await scan({ table: "spark.renamed" })).table).sort(byKey("id"));
      expect(all).toEqual([
        { id: "1", name: "Flopsy 🐇", event_date: "2022-01-01", price: "9.99", active: "true" },
        { id: "2", name: "Mopsy–Naïve", event_date: "2022-01-01", price: "-5.00", active: "false" },
        { id: "3", name: "Cottontail", event_date: null, price: "0.00", active: "true" },
        { id: "4", name: "Thumper", event_date: "2022-01-02", price: "99999999.99", active: "false" },
      ]);
      const cases: [string, number, string[]][] = [
        ["id = 1", 1, ["1"]], ["id = 3", 1, ["3"]], ["id IN (2, 4)", 2, ["2", "4"]], ["id = 99", 0, []],
        ["event_date IS NULL", 1, ["3"]], ["event_date = '2022-01-01'", 1, ["1", "2"]], ["event_date IS NOT NULL AND id = 3", 0, []],
        ["price > 10", 3, ["4"]],
      ];
      for (const [filter, files, ids] of cases) {
        const result = await scan({ table: "spark.renamed", columns: ["id"], filter });
        expect(result.plan.stats.filesAfterPartitionPruning, filter).toBe(files);
        expect(rowsOf(result.table).map((r) => r.id).sort(), filter).toEqual(ids);
      }
    });

    it("reads uuids as their 36-character text, and files without field ids through the name mapping", async () => {
      const uuids = rowsOf((await scan({ table: "default.uuids" })).table).map((r) => r.uuid);
      expect(uuids).toHaveLength(10);
      expect(uuids).toContain("1571effb-facd-42a3-90e9-0af522e9b6c2");
      const one = await scan({ table: "default.uuids", filter: "uuid = '1571EFFB-facd-42a3-90e9-0af522e9b6c2'" });
      expect(rowsOf(one.table)).toEqual([{ uuid: "1571effb-facd-42a3-90e9-0af522e9b6c2" }]);
      // `b` left the name mapping: in the current snapshot's file it is null in all 10000 rows.
      const mapped = await scan({ table: "mydb.name_mapped", filter: "b IS NULL" });
      expect(mapped.table.numRows).toBe(10000);
      expect(rowsOf(mapped.table).slice(0, 3).map((r) => r.a)).toEqual(["0", "1", "2"]);
    });

    it("reuses data fragments across snapshots: reading another snapshot fetches only what it adds", async () => {
      await cache.clear();
      const table = await catalog.loadTable("mydb.eq_deletes");
      const [s1, , , , s5] = table.metadata.snapshots;
      const first = await scan({ table: "mydb.eq_deletes", snapshotId: s1!["snapshot-id"] });
      expect(first.stats.fragments.fetched).toBe(3);
      const later = await scan({ table: "mydb.eq_deletes", snapshotId: s5!["snapshot-id"] });
      // Snapshot 5 appended one data file: its 3 columns are fetched, the first file's come from memory.
      expect(later.stats.fragments).toEqual({ memory: 3, disk: 0, fetched: 3 });
    });
  });
}

suite("tables other engines wrote, in a local folder", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-foreign-reads-"));
  return { store: await FileStore.open(dir), stop: () => rm(dir, { recursive: true, force: true }) };
});

suite("tables other engines wrote, on S3 (s3rver)", async () => {
  const s3: S3rverHandle = await startS3rver({ bucket: "warehouse" });
  const store = await openStore(s3.uri("lake"), s3.env);
  return { store, stop: async () => { await store.close(); await s3.stop(); } };
});

describe("lakeloop tables and describe count rows net of delete files", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "lakeloop-foreign-counts-"));
    const store = await FileStore.open(path.join(dir, "lake"));
    for (const [fixture, at] of FIXTURES) await putFixtureTable(store, fixture, at);
    env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  const run = async (args: string[]) => {
    let out = "";
    const code = await main(args, { stdout: { write: (s: string) => { out += s; return true; } } as never, stderr: { write: () => true } as never, env });
    return { code, out };
  };

  it("lists live rows and says how they were counted; creates no cache", async () => {
    const { code, out } = await run(["tables", "--json"]);
    expect(code).toBe(0);
    const rows = Object.fromEntries((JSON.parse(out) as { name: string; rows: number; rowsCountedFrom?: string }[]).map((r) => [r.name, [r.rows, r.rowsCountedFrom]]));
    expect(rows).toMatchObject({
      "java.bunnies": [15, "scan"], "spark.bunnies": [20, "delete files"], "default.deletion_vector": [2, "delete files"],
      "mydb.eq_deletes": [2, "scan"], "mydb.eq_deletes_partitioned": [3, "scan"], "spark.renamed": [4, undefined], "default.uuids": [10, undefined],
    });
    expect(existsSync(path.join(dir, "cache"))).toBe(false);
  });

  it("describes a table's live rows and its delete files", async () => {
    const json = JSON.parse((await run(["describe", "java.bunnies", "--json"])).out) as { rows: number; deleteFiles: number; rowsCountedFrom: string };
    expect(json).toMatchObject({ rows: 15, deleteFiles: 2, rowsCountedFrom: "scan" });
    const text = (await run(["describe", "default.deletion_vector"])).out;
    expect(text).toMatch(/^2 rows in 1 files/m);
    expect(text).toMatch(/net of 1 delete file; counted from the delete files/);
  });
});
