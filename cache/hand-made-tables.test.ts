// Tables made here, where no fixture exists: lakeloop's own writer (import) for the data
// files, with delete files made by hand — Parquet position and equality deletes written
// by DuckDB's COPY, a Puffin file with a deletion vector whose bitmap CRoaring serialized
// (fixtures/croaring) — committed through lakeloop's manifests. They check the spec's
// sequence-number rules (an equality delete never deletes rows added after it), a
// deletion vector over several row groups, and schema evolution by field id: a renamed
// column, an added one (null in older files), int -> long, float -> double,
// decimal(5, 2) -> decimal(10, 2) and date -> timestamp, with pruning on promoted
// statistics and fragments reused across the rename.
import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { crc32 } from "node:zlib";
import type { Table as ArrowTable } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCell } from "../engine/present/format-value.js";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import type { Table } from "../lake/iceberg/table.js";
import { FIXTURES } from "../testing/iceberg-fixtures.js";
import type { DataFile } from "../lake/iceberg/types.js";
import { importFile } from "../lake/ingest/import-file.js";
import { dataFileFromMetadata } from "../lake/parquet/data-file.js";
import { parseParquetMetadata } from "../lake/parquet/metadata.js";
import type { Schema } from "../lake/schema.js";
import { FileStore } from "../lake/store/file-store.js";
import { ColumnCache } from "./column-cache.js";
import { scanTable } from "./scan-table.js";
import { openCatalog } from "../lake/open-catalog.js";

let dir: string;
let catalog: Catalog;
let cache: ColumnCache;
let duck: Duck;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-hand-made-"));
  catalog = await openCatalog(await FileStore.open(path.join(dir, "lake")));
  cache = new ColumnCache({ store: catalog.store, diskDir: path.join(dir, "cache") });
  duck = await Duck.open();
});
afterAll(async () => {
  await cache?.close();
  duck?.close();
  await rm(dir, { recursive: true, force: true });
});

const scan = (table: string, extra: { columns?: string[]; filter?: string; snapshotId?: number } = {}) => scanTable(catalog, cache, { table, ...extra });
const texts = (table: ArrowTable, column: string) => Array.from({ length: table.numRows }, (_, i) => formatCell(table.getChild(column)!, i, "exact"));
const numbers = (table: ArrowTable, column: string) => texts(table, column).map(Number).sort((a, b) => a - b);

/** A Parquet file DuckDB writes from `select`, stored in the table's data folder, as the DataFile a manifest records. */
async function parquetFile(table: Table, name: string, select: string, options: string, file: Omit<Partial<DataFile>, "path">, schema: Schema = table.schema()): Promise<DataFile> {
  const local = path.join(dir, name);
  await duck.run(`COPY (${select}) TO ${quoteLiteral(local)} (FORMAT parquet${options ? ", " + options : ""})`);
  const bytes = await readFile(local);
  const key = `${table.rootKey}/data/${name}`;
  await catalog.store.put(key, bytes);
  return { ...dataFileFromMetadata(parseParquetMetadata(bytes), { path: catalog.store.uriOf(key), fileSizeBytes: bytes.length, partition: {}, specId: 0, schema }), ...file };
}

async function importCsv(table: string, name: string, csv: string, mode: "create" | "append"): Promise<Table> {
  await writeFile(path.join(dir, name), csv);
  return (await importFile(catalog, table, path.join(dir, name), { mode })).table;
}

describe("delete files by the spec's rules", () => {
  it("applies an equality delete to older data files only, and position deletes by position", async () => {
    const rows = (ids: number[]) => `id,label\n${ids.map((i) => `${i},row ${i}`).join("\n")}\n`;
    let table = await importCsv("hand.events", "a.csv", rows([0, 1, 2, 3, 4, 5]), "create");
    const [fileA] = await table.dataFiles();
    const s1 = table.currentSnapshot()!["snapshot-id"];
    // Equality delete on id (field 1): ids 3 and 4 go from what exists now.
    const equality = await parquetFile(table, "eq-1.parquet", "SELECT * FROM (VALUES (3), (4)) v(id)", "FIELD_IDS {id: 1}",
      { content: "equality-deletes", equalityIds: [1], recordCount: 2 });
    table = await table.commit({ operation: "append", files: [], deletes: [equality] });
    const s2 = table.currentSnapshot()!["snapshot-id"];
    // A later file with id 3 again: the older equality delete does not apply to it.
    table = await importCsv("hand.events", "b.csv", rows([3, 100, 101]), "append");
    const fileB = (await table.dataFiles()).find((f) => f.path !== fileA!.path)!;
    const s3 = table.currentSnapshot()!["snapshot-id"];
    // Position deletes: file A's row 0 (id 0) and file B's row 1 (id 100).
    const positions = await parquetFile(table, "pos-1.parquet",
      `SELECT * FROM (VALUES (${quoteLiteral(fileA!.path)}, 0::BIGINT), (${quoteLiteral(fileB.path)}, 1::BIGINT)) v(file_path, pos) ORDER BY file_path, pos`,
      "FIELD_IDS {file_path: 2147483546, pos: 2147483545}", { content: "position-deletes", recordCount: 2 });
    table = await table.commit({ operation: "append", files: [], deletes: [positions] });

    expect(numbers((await scan("hand.events", { snapshotId: s1 })).table, "id")).toEqual([0, 1, 2, 3, 4, 5]);
    expect(numbers((await scan("hand.events", { snapshotId: s2 })).table, "id")).toEqual([0, 1, 2, 5]);
    expect(numbers((await scan("hand.events", { snapshotId: s3 })).table, "id")).toEqual([0, 1, 2, 3, 5, 100, 101]);
    const now = await scan("hand.events");
    expect(numbers(now.table, "id")).toEqual([1, 2, 3, 5, 101]);
    expect(now.stats.rowsDeleted).toBe(4);
    // Deleted rows stay deleted under a filter, and a filter on the equality column itself.
    expect(texts((await scan("hand.events", { columns: ["label"], filter: "id >= 3" })).table, "label").sort()).toEqual(["row 101", "row 3", "row 5"]);
    expect(texts((await scan("hand.events", { columns: ["label"], filter: "id = 3" })).table, "label")).toEqual(["row 3"]);
  });

  it("applies a deletion vector (CRoaring's bitmap, run and bitmap containers) across row groups", async () => {
    const local = path.join(dir, "big.parquet");
    await duck.run(`COPY (SELECT i::BIGINT AS id FROM range(100000) r(i)) TO ${quoteLiteral(local)} (FORMAT parquet, ROW_GROUP_SIZE 30000)`);
    let table = (await importFile(catalog, "hand.big", local, { mode: "create" })).table;
    const [data] = await table.dataFiles();
    // The data file's rows in the order the writer kept: the DV deletes by position.
    const before = await scan("hand.big");
    const byPosition = texts(before.table, "id");
    expect(before.plan.files[0]!.rowGroups.length).toBeGreaterThan(1);

    const bitmap = await readFile(path.join(FIXTURES, "croaring", "positions.roaring"));
    const vector = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(4), bitmap]); // one 32-bit bitmap, key 0
    const body = Buffer.concat([Buffer.from([0xd1, 0xd3, 0x39, 0x64]), vector]);
    const blob = Buffer.alloc(body.length + 8);
    blob.writeUInt32BE(body.length, 0);
    body.copy(blob, 4);
    blob.writeUInt32BE(crc32(body) >>> 0, 4 + body.length);
    const footer = Buffer.from(JSON.stringify({ blobs: [{ type: "deletion-vector-v1", fields: [2147483645], "snapshot-id": -1, "sequence-number": -1, offset: 4, length: blob.length, properties: { "referenced-data-file": data!.path, cardinality: "6004" } }] }));
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(footer.length, 0);
    const puffin = Buffer.concat([Buffer.from("PAF1"), blob, Buffer.from("PAF1"), footer, tail, Buffer.from("PAF1")]);
    const key = `${table.rootKey}/data/dv-1.puffin`;
    await catalog.store.put(key, puffin);
    table = await table.commit({ operation: "append", files: [], deletes: [{
      path: catalog.store.uriOf(key), content: "position-deletes", format: "puffin", partition: {}, recordCount: 6004, fileSizeBytes: puffin.length,
      columnSizes: new Map(), valueCounts: new Map(), nullValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map(), specId: 0,
      referencedDataFile: data!.path, contentOffset: 4, contentSizeInBytes: blob.length,
    }] });

    const deleted = new Set([0, 5, 7, 99999]);
    for (let p = 1000; p < 2000; p++) deleted.add(p);
    for (let p = 70000; p < 80000; p += 2) deleted.add(p);
    const expected = byPosition.filter((_, p) => !deleted.has(p)).map(Number).sort((a, b) => a - b);
    const after = await scan("hand.big");
    expect(after.table.numRows).toBe(100000 - 6004);
    expect(numbers(after.table, "id")).toEqual(expected);
    expect(after.stats.rowsDeleted).toBe(6004);
    // The data fragments were reused: only the deletion vector was read.
    expect(after.stats.fragments.fetched).toBe(0);
  });
});

describe("schema evolution by field id", () => {
  it("reads renamed, added and promoted columns of older files; prunes on promoted statistics", async () => {
    let table = await importCsv("hand.evolving", "old.csv", "n,x,price,day,note\n1,1.5,1.25,2024-01-01,first\n2,2.5,2.50,2024-01-02,second\n", "create");
    // Import chooses long and double: the table starts again with a file of the narrow types.
    const old = table.schema();
    expect(old.fields.map((f) => f.name)).toEqual(["n", "x", "price", "day", "note"]);
    const narrow: Schema = { "schema-id": 0, type: "struct", fields: [
      { id: 1, name: "n", required: false, type: "int" }, { id: 2, name: "x", required: false, type: "float" },
      { id: 3, name: "price", required: false, type: "decimal(5, 2)" }, { id: 4, name: "day", required: false, type: "date" },
      { id: 5, name: "note", required: false, type: "string" },
    ] };
    // A file written with the narrow types, the table's first data.
    table = await table.commit({ operation: "replace", files: [] });
    table = await table.commitMetadata(async (base) => ({ ...base.metadata, schemas: [narrow], "current-schema-id": 0 }));
    const first = await parquetFile(table, "narrow.parquet",
      "SELECT * FROM (VALUES (1::INT, 1.5::FLOAT, 1.25::DECIMAL(5,2), DATE '2024-01-01', 'first'), (2::INT, 2.5::FLOAT, 2.50::DECIMAL(5,2), DATE '2024-01-02', 'second')) v(n, x, price, day, note)",
      "FIELD_IDS {n: 1, x: 2, price: 3, day: 4, note: 5}", {}, narrow);
    table = await table.commit({ operation: "append", files: [first] });
    const before = await scan("hand.evolving");
    expect(before.stats.fragments.fetched).toBe(5);

    // Evolve: note renamed to label, n int -> long, x float -> double, price to decimal(10, 2),
    // day date -> timestamp, and a new column tag.
    const evolved: Schema = { "schema-id": 1, type: "struct", fields: [
      { id: 1, name: "n", required: false, type: "long" }, { id: 2, name: "x", required: false, type: "double" },
      { id: 3, name: "price", required: false, type: "decimal(10, 2)" }, { id: 4, name: "day", required: false, type: "timestamp" },
      { id: 5, name: "label", required: false, type: "string" }, { id: 6, name: "tag", required: false, type: "string" },
    ] };
    table = await table.commitMetadata(async (base) => ({ ...base.metadata, schemas: [narrow, evolved], "current-schema-id": 1, "last-column-id": 6 }));
    const second = await parquetFile(table, "wide.parquet",
      "SELECT * FROM (VALUES (3::BIGINT, 3.25::DOUBLE, 12345678.90::DECIMAL(10,2), TIMESTAMP '2024-03-01 12:00:00', 'third', 'new')) v(n, x, price, day, label, tag)",
      "FIELD_IDS {n: 1, x: 2, price: 3, day: 4, label: 5, tag: 6}", {}, evolved);
    table = await table.commit({ operation: "append", files: [second] });

    const now = await scan("hand.evolving");
    expect(now.table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual([
      "n: Int64", "x: Float64", "price: Decimal[10e+2]", "day: Timestamp<MICROSECOND>", "label: Utf8", "tag: Utf8",
    ]);
    const rows = Array.from({ length: now.table.numRows }, (_, i) => Object.fromEntries(now.table.schema.fields.map((f) => [f.name, formatCell(now.table.getChild(f.name)!, i, "exact")])))
      .sort((a, b) => Number(a.n) - Number(b.n));
    expect(rows).toEqual([
      { n: "1", x: "1.5", price: "1.25", day: "2024-01-01T00:00:00", label: "first", tag: null },
      { n: "2", x: "2.5", price: "2.50", day: "2024-01-02T00:00:00", label: "second", tag: null },
      { n: "3", x: "3.25", price: "12345678.90", day: "2024-03-01T12:00:00", label: "third", tag: "new" },
    ]);
    // The old file's five fragments were reused as they were (decoded as the file holds them).
    expect(now.stats.fragments.memory).toBe(5);
    // Promoted statistics prune: day was a date in the old file, price a narrower decimal.
    const late = await scan("hand.evolving", { columns: ["label"], filter: "day >= '2024-02-01'" });
    expect(late.plan.stats.rowGroupsAfterStatsPruning).toBe(1);
    expect(texts(late.table, "label")).toEqual(["third"]);
    const dear = await scan("hand.evolving", { columns: ["label"], filter: "price > 100" });
    expect(texts(dear.table, "label")).toEqual(["third"]);
    const untagged = await scan("hand.evolving", { columns: ["n"], filter: "tag IS NULL" });
    expect(numbers(untagged.table, "n")).toEqual([1, 2]);
    // Time travel to the snapshot before the evolution reads its own schema.
    const earlier = await scan("hand.evolving", { snapshotId: table.metadata.snapshots.at(-2)!["snapshot-id"] });
    expect(earlier.table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual(["n: Int32", "x: Float32", "price: Decimal[5e+2]", "day: Date32<DAY>", "note: Utf8"]);
  });
});
