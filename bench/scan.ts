// Scan throughput: lakeloop's scans through the differential cache — cold (empty
// cache), warm from memory, warm from disk (a new cache on the same directory), and a
// widened time window (only the new month fetched) — against DuckDB's read_parquet of
// the same files and columns, into Arrow and as a native aggregate.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ColumnCache } from "../cache/column-cache.js";
import { scanTable } from "../cache/scan-table.js";
import { arrowFromDuckDB } from "../columnar/arrow-from-duckdb.js";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { writeSample } from "../lake/ingest/sample.js";
import { FileStore } from "../lake/store/file-store.js";
import { mb, median, printTable, timeIt } from "./util.js";

export interface ScanBenchOptions {
  rows: number;
  repeats: number;
}

export async function run(options: ScanBenchOptions): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-scan-"));
  try {
    const store = await FileStore.open(path.join(dir, "lake"));
    const catalog = await Catalog.open(store);
    const written = await timeIt(() => writeSample(catalog, { rows: options.rows, months: 12 }));
    const files = await written.value.dataFiles();
    const lakeBytes = files.reduce((s, f) => s + f.fileSizeBytes, 0);
    process.stdout.write(`sample: ${options.rows.toLocaleString("en-US")} rows, ${files.length} files, ${mb(lakeBytes)} written in ${(written.ms / 1000).toFixed(1)} s\n`);
    const columns = ["id", "usd", "country", "eventTime"];
    const request = { table: "transactions", columns };
    const rows: (string | number)[][] = [];
    const record = (what: string, ms: number[], result: { table: { numRows: number }; stats: { bytes: { objectStore: number; memory: number; disk: number } } }) => {
      const s = result.stats.bytes;
      rows.push([what, result.table.numRows.toLocaleString("en-US"), (median(ms)).toFixed(0), mb(s.objectStore), mb(s.disk), mb(s.memory)]);
    };

    const cold: number[] = [];
    let last;
    for (let i = 0; i < options.repeats; i++) {
      const cache = new ColumnCache({ store, diskDir: path.join(dir, `cache-cold-${i}`) });
      const r = await timeIt(() => scanTable(catalog, cache, request));
      cold.push(r.ms);
      last = r.value;
      await cache.close();
    }
    record("cold: empty cache (fetch + decode)", cold, last!);

    const cache = new ColumnCache({ store, diskDir: path.join(dir, "cache-warm") });
    await scanTable(catalog, cache, request);
    const warm: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(() => scanTable(catalog, cache, request));
      warm.push(r.ms);
      last = r.value;
    }
    record("warm: from memory", warm, last!);
    await cache.close();

    const disk: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      const fresh = new ColumnCache({ store, diskDir: path.join(dir, "cache-warm") });
      const r = await timeIt(() => scanTable(catalog, fresh, request));
      disk.push(r.ms);
      last = r.value;
      await fresh.close();
    }
    record("warm: from disk (new process's cache)", disk, last!);

    const window = new ColumnCache({ store, diskDir: path.join(dir, "cache-window") });
    const jan = await timeIt(() => scanTable(catalog, window, { ...request, filter: "eventTime BETWEEN '2023-01-01' AND '2023-02-01'" }));
    record("January window, cold", [jan.ms], jan.value);
    const janFeb = await timeIt(() => scanTable(catalog, window, { ...request, filter: "eventTime BETWEEN '2023-01-01' AND '2023-03-01'" }));
    record("widened to Jan-Feb (February fetched)", [janFeb.ms], janFeb.value);
    await window.close();

    const duck = await Duck.open();
    const list = `[${files.map((f) => quoteLiteral(fileURLToPath(f.path))).join(", ")}]`;
    const duckArrow: number[] = [];
    const duckAgg: number[] = [];
    let duckRows = 0;
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(() => arrowFromDuckDB(duck, `SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM read_parquet(${list})`));
      duckArrow.push(r.ms);
      duckRows = r.value.numRows;
      duckAgg.push((await timeIt(() => duck.rows(`SELECT count(*), sum(id), sum(usd), count(DISTINCT country), max(eventTime) FROM read_parquet(${list})`))).ms);
    }
    duck.close();
    rows.push(["DuckDB read_parquet -> Arrow (same columns)", duckRows.toLocaleString("en-US"), median(duckArrow).toFixed(0), "local file", "-", "-"]);
    rows.push(["DuckDB read_parquet aggregate (no Arrow)", duckRows.toLocaleString("en-US"), median(duckAgg).toFixed(0), "local file", "-", "-"]);
    return printTable(`Scan: ${options.rows.toLocaleString("en-US")} rows x ${columns.length} columns (${columns.join(", ")}), ${files.length} files, ${mb(lakeBytes)} of Parquet in the lake (all 10 columns); median of ${options.repeats}`,
      ["scan", "rows", "ms", "object store", "disk cache", "memory cache"], rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
