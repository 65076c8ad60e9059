// Interoperability, tested rather than assumed: a table lakeloop wrote is read back by
// icebird, an Iceberg reader lakeloop did not write, and gives the same rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { icebergRead } from "icebird";
import { Duck } from "../../columnar/duckdb.js";
import { arrowFromDuckDB } from "../../columnar/arrow-from-duckdb.js";
import { writeSample } from "../ingest/sample.js";
import { openStore } from "../store/open-store.js";
import type { ObjectStore } from "../store/object-store.js";
import { startS3rver, type S3rverHandle } from "../../testing/s3rver.js";
import { sendS3ToLocal } from "../../testing/s3-fetch.js";
import { openCatalog } from "../open-catalog.js";

let s3: S3rverHandle;
let store: ObjectStore;
let restoreFetch: (() => void) | undefined;

beforeAll(async () => {
  s3 = await startS3rver();
  store = await openStore(s3.uri("warehouse"), s3.env);
  // icebird reads s3:// through https://bucket.s3.amazonaws.com: send those to s3rver.
  restoreFetch = sendS3ToLocal(s3.endpoint);
});
afterAll(async () => {
  restoreFetch?.();
  await store?.close();
  await s3?.stop();
});

describe("interoperability with icebird", () => {
  it("reads the rows lakeloop wrote, snapshot and all", async () => {
    const catalog = await openCatalog(store);
    const table = await writeSample(catalog, { rows: 3000, months: 3 });
    const rows = (await icebergRead({ tableUrl: table.location })) as Record<string, unknown>[];
    expect(rows).toHaveLength(3000);

    const duck = await Duck.open();
    try {
      // The same rows through lakeloop's own path: the data files' bytes into DuckDB.
      const files = await table.dataFiles();
      const local = await Promise.all(files.map(async (f, i) => {
        const bytes = await store.get(store.keyOf(f.path));
        const file = `/tmp/lakeloop-interop-${process.pid}-${i}.parquet`;
        await (await import("node:fs/promises")).writeFile(file, bytes);
        return file;
      }));
      const ours = await arrowFromDuckDB(duck, `SELECT id, usd, country FROM read_parquet([${local.map((f) => `'${f}'`).join(",")}]) ORDER BY id`);
      const theirs = rows.map((r) => [BigInt(r.id as bigint), r.usd, r.country]).sort((a, b) => Number((a[0] as bigint) - (b[0] as bigint)));
      expect(theirs.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => [ours.getChild("id")!.get(i), ours.getChild("usd")!.get(i), ours.getChild("country")!.get(i)]));
      expect(new Set(rows.map((r) => String(r.id))).size).toBe(3000);
      const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
      expect(sum(rows.map((r) => r.usd as number))).toBeCloseTo(sum([...ours.getChild("usd")!] as number[]), 6);
      await Promise.all(local.map((f) => import("node:fs/promises").then((fs) => fs.rm(f, { force: true }))));
    } finally {
      duck.close();
    }
  });
});
