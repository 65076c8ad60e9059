// Tables other engines wrote (Athena, Spark, the Iceberg Java API; fixtures/README.md)
// are found, their metadata loaded and every file they name resolved to an object
// that exists: where they were written (s3a:// locations on S3), copied into a local
// lake, copied under another bucket and name, in a Hive warehouse's `.db` folder, and
// registered from outside the lake.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeTable } from "../ingest/describe.js";
import { planScan } from "../scan/plan-scan.js";
import { CredentialsError } from "../store/errors.js";
import { FileStore } from "../store/file-store.js";
import type { ObjectStore } from "../store/object-store.js";
import { openStore } from "../store/open-store.js";
import { startS3rver, type S3rverHandle } from "../../testing/s3rver.js";
import { Catalog } from "./catalog.js";
import { newestMetadataIn } from "./find-metadata.js";
import { registerTable } from "./registered.js";
import { putFixtureTable } from "../../testing/iceberg-fixtures.js";
import { openCatalog } from "../open-catalog.js";

const ATHENA = "icebird/athena/example";
const SPARK = "icebird/spark/bunnies";
const JAVA = "icebird/java/bunnies";
const RENAMED = "icebird/spark/rename_column";

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-foreign-"));
  temps.push(dir);
  return dir;
}
afterAll(async () => { await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))); });

/** Every live file of the table resolves to an object of the size its manifest records. */
async function expectFilesResolve(catalog: Catalog, name: string): Promise<string[]> {
  const table = await catalog.loadTable(name);
  const files = await table.liveFiles(); // data and delete files
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const info = await catalog.store.head(catalog.store.keyOf(file.path));
    expect(info, `${file.path} exists`).toBeDefined();
    expect(info!.size).toBe(file.fileSizeBytes);
  }
  return files.map((f) => f.path);
}

/** What the four fixtures hold, from their manifests (fixtures/README.md). */
async function expectFixtureContents(catalog: Catalog, names: { athena: string; spark: string; java: string; renamed: string }): Promise<void> {
  const athena = await describeTable(await catalog.loadTable(names.athena));
  expect(athena.schema.map((f) => f.name)).toEqual(["id", "name"]);
  expect({ rows: athena.rows, files: athena.files, snapshots: athena.snapshots.length }).toEqual({ rows: 2, files: 1, snapshots: 1 });

  const renamed = await describeTable(await catalog.loadTable(names.renamed));
  expect(renamed.schema.map((f) => f.name)).toEqual(["id", "name", "event_date", "price", "active"]);
  expect(renamed.partitioning).toEqual(["bucket[4](id)", "event_date"]);
  expect({ rows: renamed.rows, files: renamed.files }).toEqual({ rows: 4, files: 3 });

  // The bunnies tables carry delete files; the manifests list 1 data file of 20 rows plus
  // 1 position-delete file (Spark), and 2 data files (21 + 1 rows) plus 2 delete files (Java).
  const spark = await catalog.loadTable(names.spark);
  expect(spark.schema().fields.map((f) => f.name)).toContain("breed_name_length");
  expect((await spark.liveFiles()).map((f) => f.recordCount).sort()).toEqual([1, 20]);
  expect((await spark.dataFiles()).map((f) => f.recordCount)).toEqual([20]);
  const java = await catalog.loadTable(names.java);
  expect((await java.liveFiles()).map((f) => f.recordCount).sort((a, b) => a - b)).toEqual([1, 1, 6, 21]);
  expect((await java.deleteFiles()).map((f) => f.content).sort()).toEqual(["equality-deletes", "position-deletes"]);

  for (const name of Object.values(names)) await expectFilesResolve(catalog, name);
}

/** A scan's plan over a foreign table: the data files with their footers read through the store. */
async function expectScanPlans(catalog: Catalog, athena: string, renamed: string): Promise<void> {
  const plan = await planScan(catalog, { table: athena });
  expect(plan.files).toHaveLength(1);
  expect(plan.files[0]!.rowGroups.reduce((s, g) => s + g.rowCount, 0)).toBe(2);
  expect(await catalog.store.head(plan.files[0]!.key)).toBeDefined();
  const byPartition = await planScan(catalog, { table: renamed, columns: ["id", "name"] });
  expect(byPartition.files).toHaveLength(3);
  for (const file of byPartition.files) expect((await catalog.store.head(file.key))?.size).toBe(file.file.fileSizeBytes);
}

describe("tables other engines wrote, where they were written (s3a:// on S3)", () => {
  let s3: S3rverHandle;
  let store: ObjectStore;
  let catalog: Catalog;
  beforeAll(async () => {
    // The bucket the fixtures were written to, so their s3:// and s3a:// URIs are literally right.
    s3 = await startS3rver({ bucket: "hyperparam-iceberg" });
    store = await openStore(s3.uri(), s3.env);
    for (const table of [ATHENA, SPARK, JAVA, RENAMED]) await putFixtureTable(store, table, table.slice("icebird/".length));
    catalog = await openCatalog(store, s3.env);
  });
  afterAll(async () => { await store?.close(); await s3?.stop(); });

  it("finds them by the Hadoop and the Glue/Athena layouts", async () => {
    expect(await catalog.listTables()).toEqual(["athena.example", "java.bunnies", "spark.bunnies", "spark.rename_column"]);
    expect(await catalog.listNamespaces()).toEqual(["athena", "java", "spark"]);
    const athena = await catalog.loadTable("athena.example");
    expect(athena.metadataKey).toBe("athena/example/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json");
    expect(athena.version).toBe(1);
    const spark = await catalog.loadTable("spark.bunnies");
    expect(spark.metadataKey).toBe("spark/bunnies/metadata/v5.metadata.json");
    expect(spark.location).toBe("s3a://hyperparam-iceberg/spark/bunnies");
    expect(spark.rootKey).toBe("spark/bunnies");
  });

  it("loads their metadata and resolves every file they name", async () => {
    await expectFixtureContents(catalog, { athena: "athena.example", spark: "spark.bunnies", java: "java.bunnies", renamed: "spark.rename_column" });
    // s3a:// paths come back in the store's spelling.
    expect((await catalog.loadTable("spark.rename_column").then((t) => t.dataFiles()))[0]!.path).toMatch(/^s3:\/\/hyperparam-iceberg\/spark\/rename_column\/data\/id_bucket=/);
  });

  it("plans scans over them", async () => {
    await expectScanPlans(catalog, "athena.example", "spark.rename_column");
  });

  it("keeps Glue-named tables read-only and says why", async () => {
    const athena = await catalog.loadTable("athena.example");
    expect(athena.readOnly).toMatch(/another catalog's naming/);
    await expect(athena.commit({ operation: "append", files: [] })).rejects.toThrow(/table 'athena.example' is read-only: its metadata \(00001-.*\) follows another catalog's naming/);
    await expect(catalog.dropTable("athena.example")).rejects.toThrow(/does not drop table 'athena.example'/);
    expect(await catalog.listTables()).toContain("athena.example");
  });
});

describe("tables other engines wrote, copied into a local lake", () => {
  let dir: string;
  let catalog: Catalog;
  beforeAll(async () => {
    dir = await tempDir();
    const store = await FileStore.open(dir);
    await putFixtureTable(store, ATHENA, "athena.db/example"); // a Hive warehouse's database folder
    await putFixtureTable(store, SPARK, "spark/bunnies");
    await putFixtureTable(store, JAVA, "bunnies"); // a table at the lake's top: namespace default
    await putFixtureTable(store, RENAMED, "spark/renamed"); // another name than it was written under
    catalog = await openCatalog(store);
  });

  it("finds them, `.db` folders and top-level tables included", async () => {
    expect(await catalog.listTables()).toEqual(["athena.example", "default.bunnies", "spark.bunnies", "spark.renamed"]);
    expect((await catalog.loadTable("bunnies")).rootKey).toBe("bunnies");
    expect(await catalog.tableExists("athena.example")).toBe(true);
  });

  it("reads their s3:// and s3a:// files from where the copy is", async () => {
    await expectFixtureContents(catalog, { athena: "athena.example", spark: "spark.bunnies", java: "bunnies", renamed: "spark.renamed" });
    const files = await expectFilesResolve(catalog, "spark.renamed");
    for (const file of files) expect(file.startsWith(pathToFileURL(path.join(dir, "spark/renamed/data")).href)).toBe(true);
    await expectScanPlans(catalog, "athena.example", "spark.renamed");
  });
});

describe("partition transforms lakeloop does not write", () => {
  it("keeps, of a bucket[4](id) table, the file of the id's bucket for a filter on id: a bucket number is no range of ids", async () => {
    const store = await FileStore.open(await tempDir());
    await putFixtureTable(store, RENAMED, "spark/renamed");
    const catalog = await openCatalog(store);
    // Ids 1 and 2 hash to bucket 0, 4 to bucket 2, 3 to bucket 3 (Murmur3, as the spec defines it).
    for (const [id, bucket] of [[1, 0], [2, 0], [3, 3], [4, 2]]) {
      const plan = await planScan(catalog, { table: "spark.renamed", columns: ["id"], filter: `id = ${id}` });
      expect(plan.files.map((f) => f.file.partition.id_bucket), `id = ${id}`).toEqual([bucket]);
    }
    // A range of ids says nothing about buckets: every file stays.
    expect((await planScan(catalog, { table: "spark.renamed", columns: ["id"], filter: "id > 2" })).stats.filesAfterPartitionPruning).toBe(3);
  });
});

describe("a copy under another bucket name and prefix, on S3", () => {
  let s3: S3rverHandle;
  let store: ObjectStore;
  beforeAll(async () => {
    s3 = await startS3rver({ bucket: "lake" });
    store = await openStore(s3.uri("warehouse"), s3.env);
  });
  afterAll(async () => { await store?.close(); await s3?.stop(); });

  it("resolves s3a://hyperparam-iceberg/… files in s3://lake/warehouse/copied/…", async () => {
    await putFixtureTable(store, SPARK, "copied/rabbits");
    await putFixtureTable(store, ATHENA, "copied/example");
    await putFixtureTable(store, RENAMED, "copied/renamed");
    const catalog = await openCatalog(store, s3.env);
    expect(await catalog.listTables("copied")).toEqual(["copied.example", "copied.rabbits", "copied.renamed"]);
    const files = await expectFilesResolve(catalog, "copied.rabbits");
    expect(files.every((f) => f.startsWith("s3://lake/warehouse/copied/rabbits/data/"))).toBe(true);
    await expectScanPlans(catalog, "copied.example", "copied.renamed");
  });
});

describe("registered tables", () => {
  let s3: S3rverHandle;
  let s3Store: ObjectStore;
  let lakeDir: string;
  let elsewhere: string;
  let catalog: Catalog;
  beforeAll(async () => {
    s3 = await startS3rver({ bucket: "hyperparam-iceberg" });
    s3Store = await openStore(s3.uri(), s3.env);
    await putFixtureTable(s3Store, ATHENA, "athena/example");
    lakeDir = await tempDir();
    elsewhere = await tempDir();
    const outside = await FileStore.open(elsewhere);
    await putFixtureTable(outside, SPARK, "warehouse/bunnies", (f) => !f.includes("v5.metadata.json"));
    await putFixtureTable(outside, RENAMED, "warehouse/renamed");
    // A local lake that reaches S3 for the registered Athena table.
    catalog = await openCatalog(await FileStore.open(lakeDir), s3.env);
  });
  afterAll(async () => { await s3Store?.close(); await s3?.stop(); });

  const exists = (name: string) => catalog.tableExists(name);

  it("registers a metadata file on S3 (s3a://) and a folder outside the lake", async () => {
    await registerTable(catalog.store, "ext.athena", "s3a://hyperparam-iceberg/athena/example/metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json", exists);
    await registerTable(catalog.store, "ext.bunnies", pathToFileURL(path.join(elsewhere, "warehouse/bunnies")).href, exists);
    await registerTable(catalog.store, "renamed", path.join(elsewhere, "warehouse/renamed/metadata/v3.metadata.json"), exists);
    expect(await catalog.listTables()).toEqual(["default.renamed", "ext.athena", "ext.bunnies"]);
    const athena = await describeTable(await catalog.loadTable("ext.athena"));
    expect({ rows: athena.rows, files: athena.files }).toEqual({ rows: 2, files: 1 });
    await expectFilesResolve(catalog, "ext.athena");
    await expectFilesResolve(catalog, "renamed");
    await expectScanPlans(catalog, "ext.athena", "renamed");
  });

  it("follows a registered folder's newest metadata", async () => {
    expect((await catalog.loadTable("ext.bunnies")).version).toBe(4);
    const outside = await FileStore.open(elsewhere);
    await putFixtureTable(outside, SPARK, "warehouse/bunnies", (f) => f.includes("v5.metadata.json"));
    const table = await catalog.loadTable("ext.bunnies");
    expect(table.version).toBe(5);
    expect((await table.liveFiles()).map((f) => f.recordCount).sort()).toEqual([1, 20]);
  });

  it("keeps registered tables read-only, and unregisters without touching their files", async () => {
    const table = await catalog.loadTable("ext.bunnies");
    await expect(table.commit({ operation: "append", files: [] })).rejects.toThrow(/read-only: it is registered from file:/);
    await catalog.dropTable("ext.bunnies");
    expect(await catalog.listTables()).toEqual(["default.renamed", "ext.athena"]);
    const outside = await FileStore.open(elsewhere);
    expect(await outside.head("warehouse/bunnies/metadata/v5.metadata.json")).toBeDefined();
    expect(await outside.head("warehouse/bunnies/data/00000-1-6cd7611f-0ceb-4cf3-8b8e-8c856356df3e-00001.parquet")).toBeDefined();
  });

  it("refuses a taken name and a place without a table, in one line", async () => {
    await expect(registerTable(catalog.store, "renamed", pathToFileURL(path.join(elsewhere, "warehouse/renamed")).href, exists)).rejects.toThrow(/table 'default.renamed' already exists/);
    await expect(registerTable(catalog.store, "nothing", pathToFileURL(elsewhere).href, exists)).rejects.toThrow(/no Iceberg table at 'file:.*': found no metadata\/vN.metadata.json/);
    await expect(registerTable(catalog.store, "bad name!", pathToFileURL(elsewhere).href, exists)).rejects.toThrow(/bad table name/);
    await expect(registerTable(catalog.store, "hdfs_t", "hdfs://namenode/warehouse/t", exists)).rejects.toThrow(/lakeloop reads s3:\/\/, s3a:\/\/, s3n:\/\/ and file:\/\/ locations/);
    expect(await catalog.listTables()).toEqual(["default.renamed", "ext.athena"]);
  });
});

describe("metadata in other shapes", () => {
  it("reads format v1 and gzip-compressed metadata, read-only", async () => {
    const dir = await tempDir();
    const store = await FileStore.open(dir);
    await putFixtureTable(store, ATHENA, "old/example", (f) => !f.endsWith(".metadata.json"));
    const v2 = JSON.parse(await (await import("node:fs/promises")).readFile(path.join((await import("../../testing/iceberg-fixtures.js")).FIXTURES, ATHENA, "metadata/00001-aaf0d033-d06b-43c7-be60-67f83abd4aca.metadata.json"), "utf8"));
    // The same table as a format-v1 writer records it: one schema and partition spec, no sequence numbers.
    const { schemas, "partition-specs": specs, "last-sequence-number": _seq, refs: _refs, ...rest } = v2;
    const v1 = {
      ...rest, "format-version": 1, schema: schemas[0], "partition-spec": specs[0].fields,
      snapshots: v2.snapshots.map(({ "sequence-number": _n, ...s }: Record<string, unknown>) => s),
    };
    delete v1["partition-specs"];
    await store.put("old/example/metadata/00002-0c7e1d3a-5b1f-4a55-9f0c-1c2d3e4f5a6b.gz.metadata.json", gzipSync(JSON.stringify(v1)));
    const catalog = await openCatalog(store);
    const table = await catalog.loadTable("old.example");
    expect(table.version).toBe(2);
    expect(table.metadata["format-version"]).toBe(1);
    expect(table.schema().fields.map((f) => f.name)).toEqual(["id", "name"]);
    expect((await table.dataFiles()).map((f) => f.recordCount)).toEqual([2]);
    expect(table.readOnly).toMatch(/another catalog's naming/);
  });

  it("reads version-hint.text where the metadata folder cannot be listed", async () => {
    const dir = await tempDir();
    const files = await FileStore.open(dir);
    await putFixtureTable(files, SPARK, "t");
    // Read-only credentials without s3:ListBucket: listing is refused, reading is not.
    const denied = new (class extends FileStore {
      override async list(): Promise<never> { throw new CredentialsError("AKIA…", "test", "AccessDenied"); }
    })(dir);
    expect((await newestMetadataIn(denied, "t"))?.key).toBe("t/metadata/v5.metadata.json");
    expect((await newestMetadataIn(files, "t"))?.key).toBe("t/metadata/v5.metadata.json");
  });

  it("refuses a metadata file that is not Iceberg table metadata, naming it", async () => {
    const dir = await tempDir();
    const store = await FileStore.open(dir);
    await store.put("x/broken/metadata/v1.metadata.json", "{ not json");
    await store.put("x/future/metadata/v1.metadata.json", JSON.stringify({ "format-version": 9, location: "s3://b/x" }));
    const catalog = await openCatalog(store);
    await expect(catalog.loadTable("x.broken")).rejects.toThrow(/cannot read Iceberg metadata file:.*x\/broken\/metadata\/v1.metadata.json: /);
    await expect(catalog.loadTable("x.future")).rejects.toThrow(/expected Iceberg format-version 1, 2 or 3 metadata, found format-version 9/);
  });
});
