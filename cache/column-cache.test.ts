import { mkdtemp, readdir, rm, truncate, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrowFromDuckDB } from "../columnar/arrow-from-duckdb.js";
import { openSqlOverArrow } from "../columnar/sql-over-arrow.js";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { writeDataFiles } from "../lake/ingest/write-data-files.js";
import { writeSample } from "../lake/ingest/sample.js";
import { planScan } from "../lake/scan/plan-scan.js";
import type { ScanRequest } from "../lake/scan/scan-plan.js";
import { FileStore } from "../lake/store/file-store.js";
import { openStore } from "../lake/store/open-store.js";
import type { ObjectStore } from "../lake/store/object-store.js";
import { startS3rver, type S3rverHandle } from "../testing/s3rver.js";
import { ColumnCache } from "./column-cache.js";
import { describeDiff } from "./diff.js";
import { scanTable } from "./scan-table.js";
import { countingStore, type CountingStore } from "../testing/counting-store.js";
import { openCatalog } from "../lake/open-catalog.js";

const JAN = "eventTime BETWEEN '2023-01-01' AND '2023-02-01'";
const JAN_FEB = "eventTime BETWEEN '2023-01-01' AND '2023-03-01'";
const ROWS = 36_000;

for (const kind of ["file", "s3"] as const) {
  describe(`differential cache on ${kind}://`, () => {
    let scratch: string;
    let store: CountingStore;
    let catalog: Catalog;
    let cache: ColumnCache;
    let s3: S3rverHandle | undefined;
    let duck: Duck;
    let localCopies: Map<string, string>;

    beforeAll(async () => {
      scratch = await mkdtemp(path.join(tmpdir(), `lakeloop-cache-${kind}-`));
      let inner: ObjectStore;
      if (kind === "file") inner = await FileStore.open(path.join(scratch, "lake"));
      else {
        s3 = await startS3rver();
        inner = await openStore(s3.uri("lake"), s3.env);
      }
      store = countingStore(inner);
      catalog = await openCatalog(store);
      await writeSample(catalog, { rows: ROWS, months: 12, rowGroupRows: 2048 });
      cache = new ColumnCache({ store, diskDir: path.join(scratch, "cache"), memoryBytes: 64 * 1024 * 1024 });
      duck = await Duck.open();
      localCopies = new Map();
    });
    afterAll(async () => {
      await cache?.close();
      duck?.close();
      await store?.close();
      await s3?.stop();
      await rm(scratch, { recursive: true, force: true });
    });

    const scan = async (request: Omit<ScanRequest, "table">, on = cache) => {
      store.reset();
      const result = await scanTable(catalog, on, { table: "transactions", ...request });
      return { ...result, fetched: store.counts.bytes };
    };

    /** DuckDB's own answer over local copies of the same Parquet files. */
    const duckAnswer = async (columns: string[], filter: string) => {
      const files = await (await catalog.loadTable("transactions")).dataFiles();
      const paths = [];
      for (const f of files) {
        if (!localCopies.has(f.path)) {
          const local = path.join(scratch, `copy-${localCopies.size}.parquet`);
          await writeFile(local, await store.get(store.keyOf(f.path)));
          localCopies.set(f.path, local);
        }
        paths.push(localCopies.get(f.path)!);
      }
      return arrowFromDuckDB(duck, `SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM read_parquet([${paths.map(quoteLiteral).join(", ")}]) WHERE ${filter} ORDER BY id`);
    };
    const rowsOf = (t: { numRows: number; getChild(n: string): { get(i: number): unknown } | null; schema: { fields: { name: string }[] } }) =>
      Array.from({ length: t.numRows }, (_, i) => t.schema.fields.map((f) => t.getChild(f.name)!.get(i)));

    it("1. scans the same thing twice: no object-store bytes the second time", async () => {
      const first = await scan({ columns: ["id", "usd", "country"], filter: JAN });
      expect(first.stats.fragments.fetched).toBeGreaterThan(0);
      expect(first.fetched).toBeGreaterThan(0);
      const second = await scan({ columns: ["id", "usd", "country"], filter: JAN });
      expect(second.fetched).toBe(0);
      expect(second.stats.bytes.objectStore).toBe(0);
      expect(second.stats.fragments.memory).toBe(first.stats.fragments.fetched);
      expect(second.table.numRows).toBe(first.table.numRows);
    });

    it("2. one more column fetches only that column's chunks", async () => {
      const plan = await planScan(catalog, { table: "transactions", columns: ["id", "usd", "country", "merchant"], filter: JAN });
      const diff = await cache.diff(plan);
      expect(diff.fragments.fetch.every((r) => r.chunk.column === "merchant")).toBe(true);
      expect(describeDiff(diff)).toMatch(/^4 of 5 columns cached; column merchant is new: .* to fetch/);
      const merchantBytes = diff.fragments.fetch.reduce((s, r) => s + r.chunk.length, 0);
      const result = await scan({ columns: ["id", "usd", "country", "merchant"], filter: JAN });
      expect(result.stats.fragments.fetched).toBe(diff.fragments.fetch.length);
      expect(result.fetched).toBeGreaterThanOrEqual(merchantBytes);
      expect(result.fetched).toBeLessThan(merchantBytes + 64 * 1024 * diff.fragments.fetch.length); // only coalescing slack
    });

    it("3. widening January to January-February fetches only February; narrowing back fetches nothing", async () => {
      const plan = await planScan(catalog, { table: "transactions", columns: ["id", "usd", "country"], filter: JAN_FEB });
      const diff = await cache.diff(plan);
      expect(new Set(diff.fragments.fetch.map((r) => r.file.file.partition.eventTime_month))).toEqual(new Set([637]));
      expect(describeDiff(diff)).toMatch(/eventTime_month=2023-02 is new/);
      const wide = await scan({ columns: ["id", "usd", "country"], filter: JAN_FEB });
      expect(wide.stats.fragments.fetched).toBe(diff.fragments.fetch.length);
      expect(wide.fetched).toBeGreaterThan(0);
      const narrow = await scan({ columns: ["id", "usd", "country"], filter: JAN });
      expect(narrow.fetched).toBe(0);
    });

    it("4. after an append, old files' fragments are reused and only the new file is fetched", async () => {
      const before = await scan({ columns: ["id", "usd"] });
      const table = await catalog.loadTable("transactions");
      const local = await Duck.open();
      const files = await writeDataFiles(table, local, `SELECT id + 1000000 AS id, usd, country, eventTime, merchant, category, quantity, discount, is_refund, settled_on
        FROM (SELECT 1 AS id, 9.5 AS usd, 'IT' AS country, TIMESTAMP '2023-05-05' AS eventTime, 'm' AS merchant, 'c' AS category, 1 AS quantity, NULL AS discount, false AS is_refund, NULL AS settled_on)`);
      local.close();
      await table.commit({ operation: "append", files });
      const after = await scan({ columns: ["id", "usd"] });
      expect(after.table.numRows).toBe(before.table.numRows + 1);
      expect(after.stats.fragments.fetched).toBe(2); // id and usd of the one new file
      expect([...store.counts.keys]).toEqual([store.keyOf(files[0]!.path)]);
    });

    it("5. a scan larger than the memory bound is correct and the bound holds", async () => {
      const small = new ColumnCache({ store, diskDir: path.join(scratch, "cache-small"), memoryBytes: 200_000 });
      try {
        const result = await scan({ columns: ["id", "usd", "country", "eventTime"] }, small);
        expect(result.table.numRows).toBe(ROWS + 1);
        expect(small.memory.bytes).toBeLessThanOrEqual(200_000);
        await small.disk.settled();
        const again = await scan({ columns: ["id", "usd", "country", "eventTime"] }, small);
        expect(again.fetched).toBe(0); // evicted fragments come back from disk
        expect(again.stats.fragments.disk).toBeGreaterThan(0);
        expect(rowsOf(again.table)).toEqual(rowsOf(result.table));
      } finally {
        await small.close();
      }
    });

    it("6. a corrupted or truncated disk fragment is detected and refetched, and the answer stays right", async () => {
      const dir = path.join(scratch, "cache-corrupt");
      const first = new ColumnCache({ store, diskDir: dir });
      const expected = await scan({ columns: ["id", "usd"], filter: JAN }, first);
      await first.close();
      const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith(".chunk")).map((f) => path.join(dir, f));
      const flipped = files[0]!;
      const bytes = await readFile(flipped);
      bytes[bytes.length - 20] ^= 0xff;
      await writeFile(flipped, bytes);
      await truncate(files[1]!, 40);
      await writeFile(files[2]!, "something else entirely");
      const fresh = new ColumnCache({ store, diskDir: dir });
      try {
        const result = await scan({ columns: ["id", "usd"], filter: JAN }, fresh);
        expect(result.stats.corruptions).toBe(3);
        expect(result.stats.fragments.fetched).toBe(3);
        expect(rowsOf(result.table)).toEqual(rowsOf(expected.table));
      } finally {
        await fresh.close();
      }
    });

    it("7. concurrent identical scans fetch each fragment once", async () => {
      const fresh = new ColumnCache({ store, diskDir: path.join(scratch, "cache-concurrent") });
      try {
        store.reset();
        const request = { table: "transactions", columns: ["id", "country", "quantity"], filter: "quantity > 3" };
        const [a, b, c] = await Promise.all([scanTable(catalog, fresh, request), scanTable(catalog, fresh, request), scanTable(catalog, fresh, request)]);
        const fetched = a.stats.fragments.fetched + b.stats.fragments.fetched + c.stats.fragments.fetched;
        expect(fetched).toBe(a.plan.files.reduce((s, f) => s + f.rowGroups.length * 3, 0));
        expect(rowsOf(a.table)).toEqual(rowsOf(b.table));
        expect(rowsOf(c.table)).toEqual(rowsOf(a.table));
        const single = a.stats.bytes.objectStore + b.stats.bytes.objectStore + c.stats.bytes.objectStore;
        expect(store.counts.bytes).toBe(single);
      } finally {
        await fresh.close();
      }
    });

    it("8. answers equal DuckDB's for the same columns and filter over the same files (filtered in JavaScript, and by DuckDB over Arrow)", async () => {
      const sql = await openSqlOverArrow();
      const withSql = new ColumnCache({ store, diskDir: path.join(scratch, "cache-sql"), sql });
      try {
        for (const [columns, filter] of [
          [["id", "usd", "country"], JAN],
          [["id", "merchant", "discount", "settled_on", "is_refund"], "country IN ('IT', 'FR') AND usd > 50"],
          [["id", "quantity", "eventTime"], "discount IS NULL AND NOT (quantity BETWEEN 2 AND 8)"],
          [["id", "country", "usd"], "eventTime >= '2023-03-10' AND eventTime < '2023-05-20 12:00:00' AND country > 'E'"],
        ] as [string[], string][]) {
          const want = rowsOf(await duckAnswer(columns, filter));
          const answers = [];
          for (const on of [cache, withSql]) {
            const ours = rowsOf((await scan({ columns, filter }, on)).table);
            answers.push(ours);
            expect([...ours].sort((x, y) => Number((x[0] as bigint) - (y[0] as bigint)))).toEqual(want);
          }
          // Both filters keep the scan's row order (file by file, row group by row group).
          expect(answers[1]).toEqual(answers[0]);
        }
      } finally {
        await withSql.close();
        await sql.close();
      }
    });
  });
}

