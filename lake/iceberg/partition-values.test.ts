// Partition values survive the manifest round trip exactly: 64-bit identity values
// beyond 2^53, and nulls.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck } from "../../columnar/duckdb.js";
import { writeDataFiles } from "../ingest/write-data-files.js";
import { FileStore } from "../store/file-store.js";
import { Catalog } from "./catalog.js";

let dir: string;
let catalog: Catalog;
let duck: Duck;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-partition-values-"));
  catalog = await Catalog.open(await FileStore.open(path.join(dir, "lake")));
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
