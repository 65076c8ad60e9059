// Iceberg types other engines write, and every Parquet codec, read through the scan
// planner and the column cache: time, timestamp_ns, uuid, decimal and nested struct,
// list and map columns (with nulls at every level) in files DuckDB wrote with field
// ids, once per codec (none, snappy, gzip, zstd, brotli, lz4_raw — the last through
// DuckDB's reader); Spark's INT96 timestamps and the deprecated LZ4 codec (Hadoop-framed
// and bare) from Apache's parquet-testing files. SQL over a nested column is refused,
// naming it. The tables are made with lakeloop's own commits around those files.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Table as ArrowTable } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCell } from "../engine/present/format-value.js";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { buildDag } from "../engine/dag/build-dag.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { FIXTURES } from "../testing/iceberg-fixtures.js";
import { tableOfFiles } from "../testing/table-of-files.js";
import type { Field } from "../lake/schema.js";
import { FileStore } from "../lake/store/file-store.js";
import { ColumnCache } from "./column-cache.js";
import { scanTable } from "./scan-table.js";
import { openCatalog } from "../lake/open-catalog.js";

const CODECS = ["uncompressed", "snappy", "gzip", "zstd", "brotli", "lz4_raw"];
const NESTED_FIELDS: Field[] = [
  { id: 1, name: "id", required: false, type: "int" },
  { id: 2, name: "t", required: false, type: "time" },
  { id: 3, name: "ts_ns", required: false, type: "timestamp_ns" },
  { id: 4, name: "u", required: false, type: "uuid" },
  { id: 5, name: "s", required: false, type: { type: "struct", fields: [{ id: 6, name: "a", required: false, type: "int" }, { id: 7, name: "b", required: false, type: "string" }] } },
  { id: 8, name: "l", required: false, type: { type: "list", "element-id": 9, element: "long", "element-required": false } },
  { id: 10, name: "m", required: false, type: { type: "map", "key-id": 11, key: "string", "value-id": 12, value: "int", "value-required": false } },
  { id: 13, name: "d", required: false, type: "decimal(9, 2)" },
];
const WRITE_NESTED = (file: string, codec: string) => `COPY (
  SELECT i::INT AS id, TIME '01:02:03.456789' + INTERVAL (i) SECOND AS t, make_timestamp_ns(1704067200123456789 + i * 1000000000) AS ts_ns,
    ('00000000-0000-4000-8000-00000000000' || i)::UUID AS u,
    CASE WHEN i = 2 THEN NULL ELSE {'a': i::INT, 'b': CASE WHEN i = 3 THEN NULL ELSE 'x' || i END} END AS s,
    CASE WHEN i = 1 THEN NULL WHEN i = 4 THEN [] ELSE [i, NULL, i * 10] END AS l,
    CASE WHEN i = 0 THEN NULL ELSE MAP {'k' || i: i::INT, 'z': NULL} END AS m,
    (i * 1.25 - 1)::DECIMAL(9, 2) AS d
  FROM range(5) r(i)) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION '${codec}',
  FIELD_IDS {id: 1, t: 2, ts_ns: 3, u: 4, s: {__duckdb_field_id: 5, a: 6, b: 7}, l: {__duckdb_field_id: 8, element: 9}, m: {__duckdb_field_id: 10, key: 11, value: 12}, d: 13})`;

let dir: string;
let catalog: Catalog;
let cache: ColumnCache;
let duck: Duck;

const tableOf = (name: string, fields: Field[], files: string[]) => tableOfFiles(catalog, name, fields, files);

const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? String(x) : x)));
function rowsOf(table: ArrowTable): Record<string, unknown>[] {
  return table.toArray().map((row) => json((row as { toJSON(): unknown }).toJSON()) as Record<string, unknown>);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-types-"));
  catalog = await openCatalog(await FileStore.open(path.join(dir, "lake")));
  cache = new ColumnCache({ store: catalog.store, diskDir: path.join(dir, "cache") });
  duck = await Duck.open();
  const nested: string[] = [];
  for (const codec of CODECS) {
    const file = path.join(dir, `nested-${codec}.parquet`);
    await duck.run(WRITE_NESTED(file, codec));
    nested.push(file);
  }
  await tableOf("types.nested", NESTED_FIELDS, nested);
  const pt = (f: string) => path.join(FIXTURES, "parquet-testing", f);
  await tableOf("types.int96", [{ id: 1, name: "a", required: false, type: "timestamptz" }], [pt("int96_from_spark.parquet")]);
  const lz4Fields: Field[] = [{ id: 1, name: "c0", required: false, type: "long" }, { id: 2, name: "c1", required: false, type: "binary" }, { id: 3, name: "v11", required: false, type: "double" }];
  const uuidFiles = (await readdir(path.join(FIXTURES, "duckdb-iceberg", "default", "uuids", "data"))).sort().map((f) => path.join(FIXTURES, "duckdb-iceberg", "default", "uuids", "data", f));
  await tableOf("types.fixed", [{ id: 1, name: "uuid", required: true, type: "fixed[16]" }], uuidFiles);
  await tableOf("types.lz4", lz4Fields, ["hadoop_lz4_compressed.parquet", "non_hadoop_lz4_compressed.parquet", "lz4_raw_compressed.parquet"].map(pt));
}, 120_000);
afterAll(async () => {
  await cache?.close();
  duck?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("Iceberg types and Parquet codecs", () => {
  it("reads time, timestamp_ns, uuid, decimal, struct, list and map columns of every codec, nulls at every level", async () => {
    const result = await scanTable(catalog, cache, { table: "types.nested" });
    const codecs = new Set(result.plan.files.map((f) => f.rowGroups[0]!.chunks[0]!.format.codec));
    expect([...codecs].sort()).toEqual(["BROTLI", "GZIP", "LZ4_RAW", "SNAPPY", "UNCOMPRESSED", "ZSTD"]);
    expect(result.table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`)).toEqual([
      "id: Int32", "t: Time64<MICROSECOND>", "ts_ns: Timestamp<NANOSECOND>", "u: Utf8", "s: Struct<{a:Int32, b:Utf8}>",
      "l: List<Int64>", "m: Map<{key:Utf8, value:Int32}>", "d: Decimal[9e+2]",
    ]);
    const rows = rowsOf(result.table);
    expect(rows).toHaveLength(5 * CODECS.length);
    for (let f = 0; f < CODECS.length; f++) {
      const part = rows.slice(f * 5, f * 5 + 5);
      expect(part.map((r) => r.id), CODECS[f]).toEqual([0, 1, 2, 3, 4]);
      expect(part.map((r) => r.t)).toEqual(["3723456789", "3724456789", "3725456789", "3726456789", "3727456789"]);
      expect((result.table.getChild("ts_ns")!.data[f]!.values as BigInt64Array)[1], CODECS[f]).toBe(1704067201123456789n); // every nanosecond
      expect(part.map((r) => r.u)).toEqual([0, 1, 2, 3, 4].map((i) => `00000000-0000-4000-8000-00000000000${i}`));
      expect(part.map((r) => r.s)).toEqual([{ a: 0, b: "x0" }, { a: 1, b: "x1" }, null, { a: 3, b: null }, { a: 4, b: "x4" }]);
      expect(part.map((r) => r.l)).toEqual([["0", null, "0"], null, ["2", null, "20"], ["3", null, "30"], []]);
      expect(part.map((r) => r.m)).toEqual([null, { k1: 1, z: null }, { k2: 2, z: null }, { k3: 3, z: null }, { k4: 4, z: null }]);
    }
    // Decimals exact, as Arrow Decimal: -1.00, 0.25, 1.50, 2.75, 4.00.
    const d = result.table.getChild("d")!;
    expect([0, 1, 2, 3, 4].map((i) => formatCell(d, i, "exact"))).toEqual(["-1.00", "0.25", "1.50", "2.75", "4.00"]);
  });

  it("filters and drops rows of nested columns (rows gathered whole)", async () => {
    const result = await scanTable(catalog, cache, { table: "types.nested", columns: ["id", "s", "l", "m"], filter: "id >= 3 AND u <> '00000000-0000-4000-8000-000000000004'" });
    const rows = rowsOf(result.table);
    expect(rows).toHaveLength(CODECS.length);
    expect(rows[0]).toEqual({ id: 3, s: { a: 3, b: null }, l: ["3", null, "30"], m: { k3: 3, z: null } });
  });

  it("reads fixed[16] as FixedSizeBinary(16): a uuid column's bytes", async () => {
    const result = await scanTable(catalog, cache, { table: "types.fixed" });
    expect(String(result.table.schema.fields[0]!.type)).toBe("FixedSizeBinary[16]");
    const values = [...result.table.getChild("uuid")!].map((v) => Buffer.from(v as Uint8Array).toString("hex"));
    expect(values).toContain("1571effbfacd42a390e90af522e9b6c2");
    expect(values).toHaveLength(10);
    const one = await scanTable(catalog, cache, { table: "types.fixed", filter: "uuid = 'abcdefghijklmnop'" });
    expect(one.table.numRows).toBe(0);
  });

  it("reads Spark's INT96 timestamps as timestamps", async () => {
    const result = await scanTable(catalog, cache, { table: "types.int96" });
    expect(String(result.table.schema.fields[0]!.type)).toBe("Timestamp<MICROSECOND, UTC>");
    const micros = [...(result.table.getChild("a")!.data[0]!.values as BigInt64Array)].slice(0, 5);
    expect(micros.slice(0, 4)).toEqual([1704141296123456n, 1704070800000000n, 253402225200000000n, 1735599600000000n]);
    expect(result.table.getChild("a")!.get(4)).toBeNull();
  });

  it("reads the deprecated LZ4 codec, Hadoop-framed and bare, and LZ4_RAW", async () => {
    const result = await scanTable(catalog, cache, { table: "types.lz4", columns: ["c0", "v11"] });
    expect(result.plan.files.map((f) => f.rowGroups[0]!.chunks[0]!.format.codec)).toEqual(["LZ4", "LZ4", "LZ4_RAW"]);
    const expected = (await duck.rows(`SELECT c0, v11 FROM read_parquet(${quoteLiteral(path.join(FIXTURES, "parquet-testing", "lz4_raw_compressed.parquet"))})`)).map((r) => [String(r.c0), Number(r.v11)]);
    const rows = rowsOf(result.table).map((r) => [String(r.c0), r.v11]);
    expect(rows.slice(-4)).toEqual(expected);
    expect(rows.slice(0, 4)).toEqual(expected); // the Hadoop-framed file holds the same rows
    expect(rows.length).toBeGreaterThan(8);
  });

  it("refuses SQL over a nested column, naming it and the way around it", async () => {
    const definition = { kind: "sql" as const, name: "q", sql: "SELECT id, s FROM types.nested", options: {}, at: { cell: "c1", line: 2 } };
    const refused = await buildDag([definition], { catalog, duck });
    expect(refused.broken.get("q")?.message).toMatch(/c1:2: SQL model "q" reads column "s" of table types.nested, a struct<a: int, b: string>; SQL reads columns of primitive types.*flatten it in a TypeScript model first \(model\("nested_flat", \{ t: Model\("types.nested"\) \}/);
    const flat = { ...definition, sql: "SELECT count(*) AS n, max(d) AS top FROM types.nested" };
    const built = await buildDag([flat], { catalog, duck });
    expect(built.broken.size).toBe(0);
    expect(built.graph.model("q")).toBeDefined();
  });
});
