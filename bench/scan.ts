// Scan throughput: lakeloop's scans through the differential cache — cold (empty
// cache), warm from memory, warm from disk (a new cache on the same directory), and a
// widened time window (only the new month fetched) — against DuckDB's read_parquet of
// the same files and columns, into Arrow and as a native aggregate. Bytes: for lakeloop,
// where each fragment came from (object store, disk tier, memory tier); for DuckDB, the
// bytes it read from the files (/proc/self/io rchar).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ColumnCache } from "../cache/column-cache.js";
import { scanTable } from "../cache/scan-table.js";
import { arrowFromDuckDB } from "../columnar/arrow-from-duckdb.js";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { bytes, bytesReadByThisProcess, count, median, ms, printTable, progress, ratio, timeIt } from "./util.js";
import { writeSampleLake } from "./sample-lake.js";

export interface ScanBenchOptions {
  rows: number;
  repeats: number;
}

export async function run(options: ScanBenchOptions): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-scan-"));
  try {
    const { store, catalog, files, lakeBytes, writeMs } = await writeSampleLake(dir, { rows: options.rows, months: 12 });
    progress(`sample: ${count(options.rows)} rows, ${files.length} files, ${bytes(lakeBytes)} written in ${(writeMs / 1000).toFixed(1)} s`);
    const columns = ["id", "usd", "country", "eventTime"];
    const request = { table: "transactions", columns };
    const rows: (string | number)[][] = [];
    const record = (what: string, times: number[], result: { table: { numRows: number }; stats: { bytes: { objectStore: number; memory: number; disk: number } } }) => {
      const s = result.stats.bytes;
      rows.push([what, count(result.table.numRows), ms(median(times)), bytes(s.objectStore), bytes(s.disk), bytes(s.memory)]);
      progress(`${what}: ${ms(median(times))} ms`);
    };

    const cold: { ms: number; rows: number }[] = [];
    let last;
    for (let i = 0; i < options.repeats; i++) {
      const cache = new ColumnCache({ store, diskDir: path.join(dir, `cache-cold-${i}`) });
      const r = await timeIt(() => scanTable(catalog, cache, request));
      cold.push({ ms: r.ms, rows: r.value.table.numRows });
      last = r.value;
      await cache.close();
    }
    record("cold: empty cache (fetch + decode)", cold.map((c) => c.ms), last!);

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
    let arrowRead = 0;
    let aggRead = 0;
    try {
      for (let i = 0; i < options.repeats; i++) {
        let before = await bytesReadByThisProcess();
        const r = await timeIt(() => arrowFromDuckDB(duck, `SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM read_parquet(${list})`));
        arrowRead = (await bytesReadByThisProcess()) - before;
        duckArrow.push(r.ms);
        duckRows = r.value.numRows;
        before = await bytesReadByThisProcess();
        duckAgg.push((await timeIt(() => duck.rows(`SELECT count(*), sum(id), sum(usd), count(DISTINCT country), max(eventTime) FROM read_parquet(${list})`))).ms);
        aggRead = (await bytesReadByThisProcess()) - before;
      }
    } finally {
      duck.close();
    }
    if (duckRows !== cold[0]!.rows) throw new Error(`DuckDB read ${duckRows} rows, lakeloop ${cold[0]!.rows}`);
    rows.push(["DuckDB read_parquet -> Arrow (same columns)", count(duckRows), ms(median(duckArrow)), `${bytes(arrowRead)} (local files)`, "-", "-"]);
    rows.push(["DuckDB read_parquet aggregate (no Arrow)", count(duckRows), ms(median(duckAgg)), `${bytes(aggRead)} (local files)`, "-", "-"]);
    progress(`DuckDB: ${ms(median(duckArrow))} ms into Arrow, ${ms(median(duckAgg))} ms as an aggregate`);
    const title = `Scan: ${count(options.rows)} rows x ${columns.length} columns (${columns.join(", ")}), ${files.length} files, ${bytes(lakeBytes)} of Parquet in the lake (all 10 columns); ` +
      `bytes by where they came from; median of ${options.repeats}. Ratios in this run: a cold scan took ${ratio(median(cold.map((c) => c.ms)), median(duckArrow))} DuckDB's read into Arrow; ` +
      `a warm scan from memory is ${ratio(median(duckArrow), median(warm))} faster than DuckDB's read into Arrow and from disk ${ratio(median(duckArrow), median(disk))} faster.`;
    return printTable(title, ["scan", "rows", "ms", "object store", "disk cache", "memory cache"], rows);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
