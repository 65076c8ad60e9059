// The sample `transactions` table: deterministic (every value derives from the row
// number through integer mixing, no random()), about 1M rows over 12 months from
// 2023-01-01 by default, skewed amounts and countries (mostly European, so a "euro
// selection" means something), a few more columns of mixed types with some nulls.
// Generated month by month so 20M+ rows stay within bounded memory.
import { Duck } from "../../columnar/duckdb.js";
import type { Catalog } from "../iceberg/catalog.js";
import type { Table } from "../iceberg/table.js";
import type { DataFile } from "../iceberg/types.js";
import { removeDataFiles, writeDataFiles, type WriteProgress } from "./write-data-files.js";

export const SAMPLE_TABLE = "transactions";

/** ISO codes, most frequent first; the first 20 are euro-area members. */
export const SAMPLE_COUNTRIES = [
  "DE", "FR", "IT", "ES", "NL", "BE", "AT", "PT", "IE", "FI", "GR", "SK", "SI", "LT", "LV", "EE", "LU", "MT", "CY", "HR",
  "GB", "US", "CH", "SE", "NO", "DK", "PL", "CZ", "HU", "RO", "BG", "CA", "JP", "AU", "BR", "MX", "IN", "CN", "ZA", "KR",
];
const CATEGORIES = ["groceries", "travel", "electronics", "fashion", "restaurants", "health", "home", "entertainment"];

export const SAMPLE_FIELDS = [
  { name: "id", type: "long" as const, required: true },
  { name: "usd", type: "double" as const, required: false },
  { name: "country", type: "string" as const, required: false },
  { name: "eventTime", type: "timestamp" as const, required: false },
  { name: "merchant", type: "string" as const, required: false },
  { name: "category", type: "string" as const, required: false },
  { name: "quantity", type: "int" as const, required: false },
  { name: "discount", type: "float" as const, required: false },
  { name: "is_refund", type: "boolean" as const, required: false },
  { name: "settled_on", type: "date" as const, required: false },
];

export interface SampleOptions {
  rows?: number;
  months?: number;
  partitionBy?: "day" | "month";
  /** Changes every derived value; the same seed gives the same table. */
  seed?: number;
  rowGroupRows?: number;
  onProgress?: (progress: { month: number; months: number } & WriteProgress) => void;
}

const list = (values: string[]) => `[${values.map((v) => `'${v}'`).join(", ")}]`;

/**
 * Uniform values in [0, 1) per row and column stream: MurmurHash3's 32-bit finalizer
 * in plain BIGINT arithmetic (32-bit products split in 16-bit halves), so the sample is
 * the same on every DuckDB version. Each step is its own column (DuckDB lets a SELECT
 * refer to aliases defined before) so no expression is repeated.
 */
function unitColumns(streams: number, seed: number): string {
  const mul32 = (h: string, m: number) => `(${h} * ${m & 0xffff} + ((${h} * ${m >>> 16}) % 65536) * 65536) % 4294967296`;
  const columns: string[] = [];
  for (let k = 1; k <= streams; k++) {
    const h = (n: number) => `h${k}_${n}`;
    columns.push(
      `(i * 2654435761 + ${(seed * 7919 + k * 40503) % 4294967296}) % 4294967296 AS ${h(0)}`,
      `xor(${h(0)}, ${h(0)} >> 16) AS ${h(1)}`,
      `${mul32(h(1), 0x85ebca6b)} AS ${h(2)}`,
      `xor(${h(2)}, ${h(2)} >> 13) AS ${h(3)}`,
      `${mul32(h(3), 0xc2b2ae35)} AS ${h(4)}`,
      `xor(${h(4)}, ${h(4)} >> 16) / 4294967296.0 AS u${k}`,
    );
  }
  return columns.join(",\n      ");
}

/** SQL for the rows of one month: ids [first, first + count). */
function monthSql(first: number, count: number, month: number, seed: number): string {
  return `
    WITH r AS (SELECT range AS i, range - ${first} AS k FROM range(${first}, ${first + count})),
    u AS (SELECT i, k, ${unitColumns(12, seed)} FROM r),
    m AS (SELECT TIMESTAMP '2023-01-01' + INTERVAL ${month} MONTH AS start,
                 epoch(TIMESTAMP '2023-01-01' + INTERVAL ${month + 1} MONTH) - epoch(TIMESTAMP '2023-01-01' + INTERVAL ${month} MONTH) AS seconds)
    SELECT
      i + 1 AS id,
      round(exp(u1 * 7.5) + u2, 2) AS usd,
      ${list(SAMPLE_COUNTRIES)}[1 + CAST(floor(pow(u3, 2.2) * ${SAMPLE_COUNTRIES.length}) AS INTEGER)] AS country,
      m.start + to_microseconds(CAST(floor((k + u4) * m.seconds * 1000000 / ${count}) AS BIGINT)) AS eventTime,
      'merchant_' || lpad(CAST(CAST(floor(pow(u5, 3) * 500) AS INTEGER) AS VARCHAR), 3, '0') AS merchant,
      ${list(CATEGORIES)}[1 + CAST(floor(u6 * ${CATEGORIES.length}) AS INTEGER)] AS category,
      1 + CAST(floor(pow(u7, 3) * 10) AS INTEGER) AS quantity,
      CASE WHEN u8 < 0.3 THEN CAST(round(u9 * 0.5, 2) AS FLOAT) END AS discount,
      u10 < 0.02 AS is_refund,
      CASE WHEN u11 >= 0.05 THEN CAST(m.start AS DATE) + CAST(floor((k + 0.5) * m.seconds / 86400.0 / ${count} + u12 * 5) AS INTEGER) END AS settled_on
    FROM u, m`;
}

/** Writes (or rewrites) the sample table and returns it. */
export async function writeSample(catalog: Catalog, options: SampleOptions = {}): Promise<Table> {
  const rows = options.rows ?? 1_000_000;
  const months = options.months ?? 12;
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`--rows must be a positive integer, got ${rows}`);
  if (!Number.isInteger(months) || months < 1 || months > 240) throw new RangeError(`--months must be an integer from 1 to 240, got ${months}`);
  const partitionBy = `${options.partitionBy ?? "month"}(eventTime)`;
  let table = (await catalog.tableExists(SAMPLE_TABLE))
    ? await catalog.loadTable(SAMPLE_TABLE)
    : await catalog.createTable(SAMPLE_TABLE, SAMPLE_FIELDS, { partitionBy });
  const spec = table.partitionSpec().fields.map((f) => `${f.transform}(${f.name.replace(/_[a-z]+$/, "")})`).join(", ");
  if (spec !== partitionBy) {
    // A different partitioning asked of an existing sample: start the table over.
    await catalog.dropTable(SAMPLE_TABLE);
    table = await catalog.createTable(SAMPLE_TABLE, SAMPLE_FIELDS, { partitionBy });
  }
  const duck = await Duck.open();
  const files: DataFile[] = [];
  try {
    let first = 0;
    for (let month = 0; month < months; month++) {
      const count = Math.floor((rows * (month + 1)) / months) - Math.floor((rows * month) / months);
      if (count === 0) continue;
      const written = await writeDataFiles(table, duck, monthSql(first, count, month, options.seed ?? 1), {
        rowGroupRows: options.rowGroupRows,
        onProgress: (p) => options.onProgress?.({ month: month + 1, months, ...p }),
      });
      files.push(...written);
      first += count;
    }
    return await table.commit({ operation: "replace", files, summary: { "lakeloop.sample": `rows=${rows},months=${months}` } });
  } catch (err) {
    await removeDataFiles(table, files);
    throw err;
  } finally {
    duck.close();
  }
}
