// Partition values survive the manifest round trip exactly: 64-bit identity values
// beyond 2^53, and nulls.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../columnar/duckdb.js";
import { describeTable, formatTableDescription } from "../ingest/describe.js";
import { importFile } from "../ingest/import-file.js";
import { writeDataFiles } from "../ingest/write-data-files.js";
import { planScan } from "../scan/plan-scan.js";
import { FileStore } from "../store/file-store.js";
import { Catalog } from "./catalog.js";
import { openCatalog } from "../open-catalog.js";

let dir: string;
let catalog: Catalog;
let duck: Duck;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-partition-values-"));
  catalog = await openCatalog(await FileStore.open(path.join(dir, "lake")));
  duck = await Duck.open();
});
afterAll(async () => {
  duck?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("identity partitions on a long column", () => {
  it("keep values beyond 2^53 exact in the manifest", async () => {
    const table = await catalog.createTable("accounts", [{ name: "account", type: "long", required: false }, { name: "usd", type: "double", required: false }], { partitionBy: "account" });
    const files = await writeDataFiles(table, duck, "SELECT * FROM (VALUES (9007199254740993::BIGINT, 1.0), (-9223372036854775807::BIGINT, 2.0), (7::BIGINT, 3.0)) v(account, usd)");
    const committed = await table.commit({ operation: "append", files });
    const read = await (await catalog.loadTable("accounts")).dataFiles();
    expect(new Set(read.map((f) => f.partition.account))).toEqual(new Set([-9223372036854775807n, 7n, 9007199254740993n]));
    expect(committed.currentSnapshot()!.summary["total-records"]).toBe("3");
  });
});

describe("null partition values", () => {
  const csv = "id,ts,day,label\n1,2023-01-05 10:00:00.123456,2023-01-05,a/b\n2,,,\n3,2023-02-01 00:00:00,2023-02-01,x=y%\n4,,2023-02-01,\n";

  for (const [table, partitionBy, nullPath] of [
    ["by_month", "month(ts)", "ts_month=null"],
    ["by_day", "day", "day=null"],
    ["by_ts", "ts", "ts=null"],
    ["by_label", "label", "label=null"],
  ] as const) {
    it(`imports, reads back and describes NULLs under ${partitionBy}`, async () => {
      const file = path.join(dir, `${table}.csv`);
      await writeFile(file, csv);
      const { rows, table: t } = await importFile(catalog, table, file, { mode: "create", partitionBy });
      expect(rows).toBe(4);
      const files = await t.dataFiles();
      const nullFiles = files.filter((f) => Object.values(f.partition)[0] === null);
      expect(nullFiles).toHaveLength(1);
      expect(nullFiles[0]!.path).toContain(`/${nullPath}/`);
      // Nothing under a NaN folder, every row back.
      const folders = await readdir(path.join(dir, "lake", "default", table, "data"));
      expect(folders.some((f) => f.includes("NaN"))).toBe(false);
      const back = await duck.rows(`SELECT count(*) AS n, count(ts) AS ts, count(label) AS label FROM read_parquet([${files.map((f) => `'${fileURLToPath(f.path)}'`).join(", ")}])`);
      expect(back[0]).toEqual({ n: 4n, ts: 2n, label: 2n });
      const description = formatTableDescription(await describeTable(t));
      expect(description).toContain(nullPath);
      // Pruning: IS NULL keeps the null partition, a comparison never needs it.
      const source = partitionBy.replace(/^month\((\w+)\)$/, "$1");
      const isNull = await planScan(catalog, { table, columns: ["id"], filter: `${source} IS NULL` });
      expect(isNull.files.map((f) => f.file.path)).toContain(nullFiles[0]!.path);
      const compared = await planScan(catalog, { table, columns: ["id"], filter: source === "label" ? "label = 'a/b'" : `${source} >= '2023-01-01'` });
      expect(compared.files.map((f) => f.file.path)).not.toContain(nullFiles[0]!.path);
    });
  }

  it("writes identity partition values of dates, timestamps, strings and decimals by their type", async () => {
    const t = await catalog.loadTable("by_day");
    const paths = (await t.dataFiles()).map((f) => decodeURIComponent(f.path.split("/data/")[1]!.split("/")[0]!)).sort();
    expect(paths).toEqual(["day=2023-01-05", "day=2023-02-01", "day=null"]);
    const labels = (await (await catalog.loadTable("by_label")).dataFiles()).map((f) => f.partition.label);
    expect(new Set(labels)).toEqual(new Set(["a/b", "x=y%", null]));
    const prices = await catalog.createTable("prices", [{ name: "price", type: "decimal(9, 2)", required: false }], { partitionBy: "price" });
    const written = await writeDataFiles(prices, duck, "SELECT * FROM (VALUES (1.5::DECIMAL(9,2)), (-0.05), (NULL)) v(price)");
    await prices.commit({ operation: "append", files: written });
    const read = await (await catalog.loadTable("prices")).dataFiles();
    expect(new Set(read.map((f) => f.partition.price))).toEqual(new Set([150n, -5n, null]));
    expect(read.map((f) => decodeURIComponent(f.path.split("/data/")[1]!.split("/")[0]!)).sort()).toEqual(["price=-0.05", "price=1.50", "price=null"]);
  });
});
