import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../iceberg/catalog.js";
import { writeSample } from "../ingest/sample.js";
import { parseParquetMetadata, columnChunkRange } from "../parquet/metadata.js";
import { FileStore } from "../store/file-store.js";
import { planScan } from "./plan-scan.js";
import { openCatalog } from "../open-catalog.js";

let dir: string;
let catalog: Catalog;
let store: FileStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-plan-"));
  store = await FileStore.open(dir);
  catalog = await openCatalog(store);
  await writeSample(catalog, { rows: 60_000, months: 12, rowGroupRows: 2048 });
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("planScan on a 12-month sample partitioned by month", () => {
  it("plans one month to that month's files only", async () => {
    const plan = await planScan(catalog, { table: "transactions", columns: ["id", "usd", "country"], filter: "eventTime >= '2023-03-01' AND eventTime < '2023-04-01'" });
    expect(plan.stats.filesTotal).toBe(12);
    expect(plan.stats.filesAfterPartitionPruning).toBe(1);
    expect(plan.files.map((f) => f.file.partition.eventTime_month)).toEqual([638]);
  });

  it("keeps the seed window to January: February's file goes by its bounds", async () => {
    const plan = await planScan(catalog, { table: "transactions", columns: ["id", "usd", "country"], filter: "eventTime BETWEEN '2023-01-01' AND '2023-02-01'" });
    expect(plan.stats.filesAfterPartitionPruning).toBe(2); // February's partition holds 2023-02-01 00:00
    expect(plan.files.map((f) => f.file.partition.eventTime_month)).toEqual([636]);
    expect(plan.output.map((f) => f.name)).toEqual(["id", "usd", "country"]);
    expect(plan.read.map((f) => f.name)).toEqual(["id", "usd", "country", "eventTime"]);
  });

  it("lists exactly the chunks of 2 of 10 columns, with the footer's byte ranges", async () => {
    const plan = await planScan(catalog, { table: "transactions", columns: ["usd", "country"] });
    expect(plan.files).toHaveLength(12);
    const file = plan.files[0]!;
    const metadata = parseParquetMetadata(await store.get(file.key));
    for (const group of file.rowGroups) {
      expect(group.chunks.map((c) => c.column)).toEqual(["usd", "country"]);
      for (const chunk of group.chunks) {
        const meta = metadata.row_groups[group.index]!.columns.find((c) => c.meta_data!.path_in_schema[0] === chunk.column)!.meta_data!;
        expect({ offset: chunk.offset, length: chunk.length }).toEqual(columnChunkRange(meta));
      }
    }
    const all = await planScan(catalog, { table: "transactions" });
    expect(plan.stats.bytesToRead).toBeLessThan(all.stats.bytesToRead / 2);
  });

  it("prunes row groups by statistics on a sorted column", async () => {
    const plan = await planScan(catalog, { table: "transactions", columns: ["id"], filter: "eventTime >= '2023-06-10' AND eventTime < '2023-06-11'" });
    expect(plan.files).toHaveLength(1);
    expect(plan.stats.rowGroupsAfterStatsPruning).toBeLessThan(plan.stats.rowGroupsTotal);
    const groups = plan.files[0]!.rowGroups;
    expect(groups.length).toBeGreaterThanOrEqual(1);
    expect(groups.length).toBeLessThan(3); // a June file of ~5,000 rows has 3 row groups of 2,048; one day touches 1 or 2
  });

  it("travels in time and rejects unknown columns with a suggestion", async () => {
    const table = await catalog.loadTable("transactions");
    const first = table.currentSnapshot()!["snapshot-id"];
    await writeSample(catalog, { rows: 1200, months: 12 });
    const old = await planScan(catalog, { table: "transactions", columns: ["id"], snapshotId: first });
    expect(old.files.reduce((s, f) => s + f.file.recordCount, 0)).toBe(60_000);
    const now = await planScan(catalog, { table: "transactions", columns: ["id"] });
    expect(now.files.reduce((s, f) => s + f.file.recordCount, 0)).toBe(1200);
    await expect(planScan(catalog, { table: "transactions", columns: ["ID", "usdd"] })).rejects.toThrow(/no column "usdd" \(did you mean "usd"\?\)/);
    await expect(planScan(catalog, { table: "transactions", filter: "evenTime > '2023-01-01'" })).rejects.toThrow(/unknown column "evenTime"/);
  });
});
