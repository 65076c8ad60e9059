import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadArrowFile } from "../../columnar/arrow-file.js";
import { Duck, quoteLiteral } from "../../columnar/duckdb.js";
import { Catalog } from "../iceberg/catalog.js";
import { FileStore } from "../store/file-store.js";
import { describeTable, formatTableDescription } from "./describe.js";
import { importFile } from "./import-file.js";
import { SAMPLE_FIELDS, writeSample } from "./sample.js";
import { writeDataFiles } from "./write-data-files.js";
import { openCatalog } from "../open-catalog.js";

let dir: string;
let store: FileStore;
let catalog: Catalog;
let duck: Duck;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-ingest-"));
  store = await FileStore.open(path.join(dir, "lake"));
  catalog = await openCatalog(store);
  duck = await Duck.open();
});
afterAll(async () => {
  duck?.close();
  await rm(dir, { recursive: true, force: true });
});

const filesOf = (table: { dataFiles(): Promise<{ path: string }[]> }) =>
  table.dataFiles().then((files) => files.map((f) => quoteLiteral(fileURLToPath(f.path))).join(", "));

describe("writeDataFiles", () => {
  it("records per-column counts and bounds equal to DuckDB's, one file per partition", async () => {
    const table = await catalog.createTable("stats", SAMPLE_FIELDS.slice(0, 4), { partitionBy: "month(eventTime)" });
    const files = await writeDataFiles(table, duck, `
      SELECT i AS id, CASE WHEN i % 10 = 0 THEN NULL ELSE i * 1.5 END AS usd, 'c' || (i % 7) AS country,
             TIMESTAMP '2023-01-01' + to_microseconds(i * 360 * 1000000 + 123) AS eventTime
      FROM range(20000) r(i)`, { rowGroupRows: 2048 });
    expect(files.map((f) => f.partition.eventTime_month)).toEqual([636, 637, 638]);
    const jan = files[0]!;
    const expected = (await duck.rows(`
      SELECT count(*) AS n, count(usd) AS usd_values, min(usd) AS lo, max(usd) AS hi, min(eventTime) AS t0
      FROM range(20000) r(i), LATERAL (SELECT CASE WHEN i % 10 = 0 THEN NULL ELSE i * 1.5 END AS usd,
        TIMESTAMP '2023-01-01' + to_microseconds(i * 360 * 1000000 + 123) AS eventTime)
      WHERE eventTime < TIMESTAMP '2023-02-01'`))[0]!;
    expect(jan.recordCount).toBe(Number(expected.n));
    expect(jan.nullValueCounts.get(2)).toBe(Number(expected.n) - Number(expected.usd_values));
    expect(jan.lowerBounds.get(2)).toBe(expected.lo);
    expect(jan.upperBounds.get(2)).toBe(expected.hi);
    expect(jan.lowerBounds.get(4)).toBe(1672531200000123n); // microseconds survive
    expect(jan.splitOffsets!.length).toBeGreaterThan(1); // several row groups
  });
});

describe("importFile", () => {
  it("infers CSV types: integers, floats, booleans, dates, timestamps, strings", async () => {
    const csv = path.join(dir, "typed.csv");
    await writeFile(csv, "id,amount,ok,day,at,name\n1,2.5,true,2023-01-02,2023-01-02 10:00:00,ann\n2,3,false,2023-02-03,2023-02-03T11:30:00,bob\n");
    const result = await importFile(catalog, "typed", csv, { mode: "create" });
    expect(result.table.schema().fields.map((f) => [f.name, f.type])).toEqual([
      ["id", "long"], ["amount", "double"], ["ok", "boolean"], ["day", "date"], ["at", "timestamp"], ["name", "string"],
    ]);
    expect(result.rows).toBe(2);
  });

  it("names the file, line and column of a bad value and leaves the table as it was", async () => {
    const good = path.join(dir, "good.csv");
    await writeFile(good, "id,usd,country\n" + Array.from({ length: 100 }, (_, i) => `${i},${i * 1.5},IT`).join("\n") + "\n");
    const created = await importFile(catalog, "money", good, { mode: "create" });
    const before = { snapshot: created.table.currentSnapshot()!["snapshot-id"], objects: (await store.list("default/money/")).map((o) => o.key) };

    const bad = path.join(dir, "bad.csv");
    const lines = ["id,usd,country", ...Array.from({ length: 30_000 }, (_, i) => `${i},${i * 1.5},IT`)];
    lines[25_001] = "25000,abc,IT";
    await writeFile(bad, lines.join("\n") + "\n");
    await expect(importFile(catalog, "money", bad, { mode: "append" })).rejects.toThrow(/^bad\.csv line 25002, column usd: "abc" is not a double/);

    const ragged = path.join(dir, "ragged.csv");
    await writeFile(ragged, "id,usd,country\n1,2,IT\n2,3,FR,extra\n3,4,DE\n");
    await expect(importFile(catalog, "money", ragged, { mode: "append" })).rejects.toThrow(/ragged\.csv line 3: expected 3 fields like the header, found 4/);

    const after = await catalog.loadTable("money");
    expect(after.currentSnapshot()!["snapshot-id"]).toBe(before.snapshot);
    expect((await store.list("default/money/")).map((o) => o.key)).toEqual(before.objects);
  });

  it("refuses a CSV whose last line has an extra field, by line, whatever the file's size", async () => {
    for (const rows of [3, 999, 10_000]) {
      const file = path.join(dir, `last-${rows}.csv`);
      const body = Array.from({ length: rows }, (_, i) => `${i},Name${i},Rome`);
      await writeFile(file, ["id,name,city", ...body, "999999,Smith, John,Paris"].join("\n") + "\n");
      await expect(importFile(catalog, `last_${rows}`, file, { mode: "create" }))
        .rejects.toThrow(`last-${rows}.csv line ${rows + 2}: expected 3 fields like the header, found 4`);
      expect(await catalog.tableExists(`last_${rows}`)).toBe(false);
    }
    const money = await catalog.loadTable("money");
    const tail = path.join(dir, "tail.csv");
    await writeFile(tail, ["id,usd,country", ...Array.from({ length: 999 }, (_, i) => `${i},${i}.5,IT`), "7,Smith, John,FR"].join("\n") + "\n");
    await expect(importFile(catalog, "money", tail, { mode: "append" })).rejects.toThrow("tail.csv line 1001: expected 3 fields like the header, found 4");
    expect((await catalog.loadTable("money")).currentSnapshot()!["snapshot-id"]).toBe(money.currentSnapshot()!["snapshot-id"]);
  });

  it("refuses an append whose columns differ, and a create over an existing table", async () => {
    const other = path.join(dir, "other.csv");
    await writeFile(other, "id,euros\n1,2\n");
    await expect(importFile(catalog, "money", other, { mode: "append" })).rejects.toThrow(/does not match table 'default\.money': missing columns usd, country; extra columns euros/);
    await expect(importFile(catalog, "money", other, { mode: "create" })).rejects.toThrow(/already exists; use --mode append or --mode replace/);
    await expect(importFile(catalog, "nothing_here", other, { mode: "append" })).rejects.toThrow(/does not exist; use --mode create/);
    await expect(importFile(catalog, "x", path.join(dir, "missing.csv"), { mode: "create" })).rejects.toThrow(/no file/);
    expect(await catalog.tableExists("x")).toBe(false);
  });

  it("imports Parquet and Arrow files, and replaces", async () => {
    const parquet = path.join(dir, "p.parquet");
    await duck.run(`COPY (SELECT i AS id, i * 2.0 AS usd, 'DE' AS country FROM range(50) r(i)) TO ${quoteLiteral(parquet)} (FORMAT parquet)`);
    expect((await importFile(catalog, "money", parquet, { mode: "append" })).rows).toBe(50);
    const arrow = path.join(dir, "a.arrow");
    await writeFile(arrow, tableToIPC(tableFromArrays({ id: BigInt64Array.from([1n, 2n]), usd: Float64Array.from([1, 2]), country: ["FR", "IT"] }), "file"));
    const replaced = await importFile(catalog, "money", arrow, { mode: "replace", loadArrow: loadArrowFile });
    expect(replaced.rows).toBe(2);
    expect((await replaced.table.dataFiles()).reduce((s, f) => s + f.recordCount, 0)).toBe(2);
  });
});

describe("folders named key=value", () => {
  it("add no columns unless hive partitioning is asked for, so a lake's own data file re-imports", async () => {
    await mkdir(path.join(dir, "region=EU"), { recursive: true });
    const parquet = path.join(dir, "region=EU", "part.parquet");
    await duck.run(`COPY (SELECT 1::BIGINT AS id, 2.5 AS usd) TO ${quoteLiteral(parquet)} (FORMAT parquet)`);
    const csv = path.join(dir, "region=EU", "part.csv");
    await writeFile(csv, "id,usd\n1,2.5\n");
    for (const file of [parquet, csv]) {
      const plain = await importFile(catalog, `plain_${path.extname(file).slice(1)}`, file, { mode: "create" });
      expect(plain.table.schema().fields.map((f) => f.name)).toEqual(["id", "usd"]);
      const hive = await importFile(catalog, `hive_${path.extname(file).slice(1)}`, file, { mode: "create", hivePartitioning: true });
      expect(hive.table.schema().fields.map((f) => f.name)).toEqual(["id", "usd", "region"]);
    }
    // A partitioned table's data file lives under eventTime_month=...: append it back.
    const sample = await catalog.loadTable("transactions").catch(() => writeSample(catalog, { rows: 2000, months: 2 }));
    const [first] = await sample.dataFiles();
    expect(first!.path).toMatch(/eventTime_month=/);
    const again = await importFile(catalog, "transactions", fileURLToPath(first!.path), { mode: "append" });
    expect(again.rows).toBe(first!.recordCount);
  });
});

describe("exact numbers", () => {
  it("keeps Parquet decimals exact: decimal(P, S) schema, data and bounds", async () => {
    const file = path.join(dir, "dec.parquet");
    await duck.run(`COPY (SELECT i::BIGINT AS id, (9007199254740993 + i)::DECIMAL(38,18) + 0.000000000000000001 AS big, (i * 1.25)::DECIMAL(9,2) AS price
      FROM range(10) r(i)) TO ${quoteLiteral(file)} (FORMAT parquet)`);
    const { table } = await importFile(catalog, "dec", file, { mode: "create" });
    expect(table.schema().fields.map((f) => f.type)).toEqual(["long", "decimal(38, 18)", "decimal(9, 2)"]);
    const [data] = await table.dataFiles();
    expect(data!.lowerBounds.get(2)).toBe(9007199254740993000000000000000001n);
    expect(data!.upperBounds.get(2)).toBe(9007199254741002000000000000000001n);
    expect(data!.upperBounds.get(3)).toBe(1125n);
    const back = await duck.rows(`SELECT CAST(max(big) AS VARCHAR) AS big FROM read_parquet([${await filesOf(table)}])`);
    expect(back[0]!.big).toBe("9007199254741002.000000000000000001");
  });

  it("refuses types no column holds exactly, naming the column and a cast", async () => {
    const unsigned = path.join(dir, "ubig.parquet");
    await duck.run(`COPY (SELECT 18446744073709551615::UBIGINT AS u) TO ${quoteLiteral(unsigned)} (FORMAT parquet)`);
    await expect(importFile(catalog, "ubig", unsigned, { mode: "create" })).rejects
      .toThrow(`ubig.parquet column u has type UBIGINT, which a lakeloop table cannot hold exactly: unsigned 64-bit integers do not fit a long and would lose digits as a double; cast it first: CAST("u" AS DECIMAL(20,0)) keeps every value`);
    const wide = path.join(dir, "wide.csv");
    await writeFile(wide, "h\n170141183460469231731687303715884105727\n");
    await expect(importFile(catalog, "wide", wide, { mode: "create" })).rejects.toThrow("wide.csv column h holds numbers of 39 digits; a table keeps at most 38 digits exactly");
    expect(await catalog.tableExists("ubig")).toBe(false);
    expect(await catalog.tableExists("wide")).toBe(false);
  });

  it("reads CSV numbers with more digits than a double as exact decimals", async () => {
    const csv = path.join(dir, "digits.csv");
    await writeFile(csv, "u,d,x\n18446744073709551615,1.000000000000000001,2.5\n1,3.5,1\n");
    const { table } = await importFile(catalog, "digits", csv, { mode: "create" });
    expect(table.schema().fields.map((f) => f.type)).toEqual(["decimal(20, 0)", "decimal(19, 18)", "double"]);
    const back = await duck.rows(`SELECT CAST(u AS VARCHAR) AS u, CAST(d AS VARCHAR) AS d FROM read_parquet([${await filesOf(table)}]) ORDER BY u DESC LIMIT 1`);
    expect(back[0]).toEqual({ u: "18446744073709551615", d: "1.000000000000000001" });
  });

  it("refuses an append whose values would change as the table's types", async () => {
    const csv = path.join(dir, "ids.csv");
    await writeFile(csv, "id,usd\n1,1.5\n");
    await importFile(catalog, "ids", csv, { mode: "create" });
    const before = (await catalog.loadTable("ids")).currentSnapshot()!["snapshot-id"];
    const fraction = path.join(dir, "fraction.csv");
    await writeFile(fraction, "id,usd\n2.5,1\n");
    await expect(importFile(catalog, "ids", fraction, { mode: "append" })).rejects.toThrow("fraction.csv column id is double but table 'default.ids' holds long: value '2.5' would change, so nothing was imported");
    const whole = path.join(dir, "whole.csv");
    await writeFile(whole, "id,usd\n3.0,2\n");
    expect((await importFile(catalog, "ids", whole, { mode: "append" })).rows).toBe(1);
    expect((await catalog.loadTable("ids")).currentSnapshot()!["parent-snapshot-id"]).toBe(before);
  });
});

describe("writeSample", () => {
  it("is deterministic, one partition per month, and the seed filter selects January", async () => {
    const first = await writeSample(catalog, { rows: 24_000, months: 12 });
    const files = await first.dataFiles();
    expect(files.map((f) => f.partition.eventTime_month).sort()).toEqual(Array.from({ length: 12 }, (_, i) => 636 + i));
    const digest = async () => (await duck.rows(`SELECT sum(hash(id, usd, country, eventTime, merchant, category, quantity, discount, is_refund, settled_on)) AS h, count(*) AS n FROM read_parquet([${await filesOf(await catalog.loadTable("transactions"))}])`))[0]!;
    const a = await digest();
    await writeSample(catalog, { rows: 24_000, months: 12 });
    expect(await digest()).toEqual(a);
    expect(a.n).toBe(24_000n);

    const window = (await duck.rows(`SELECT count(*) AS n, max(eventTime) < TIMESTAMP '2023-02-01 00:00:01' AS ok FROM read_parquet([${await filesOf(first)}])
      WHERE eventTime BETWEEN '2023-01-01' AND '2023-02-01'`))[0]!;
    expect(window.ok).toBe(true);
    expect(Number(window.n)).toBeGreaterThan(1900);
    expect(Number(window.n)).toBeLessThan(2100);

    const description = await describeTable(await catalog.loadTable("transactions"));
    expect(description.partitioning).toEqual(["month(eventTime)"]);
    expect(formatTableDescription(description)).toMatch(/24,000 rows in 12 files/);
  });
});
