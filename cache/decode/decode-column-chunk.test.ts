// The page decoder against DuckDB's own reader: Parquet files written by DuckDB with
// every codec and both page versions, every flat type, nulls, dictionary and plain
// strings; each chunk decoded (by the JavaScript decoder, or DuckDB for what it does
// not cover) must equal what DuckDB reads from the whole file.
import type { PrimitiveType } from "../../lake/schema.js";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataType, type Data } from "apache-arrow";
import { arrowFromDuckDB } from "../../columnar/arrow-from-duckdb.js";
import { decimalToString } from "../../columnar/decimal.js";
import { Duck, quoteLiteral } from "../../columnar/duckdb.js";
import { readFooterFromFile } from "../../lake/parquet/footer.js";
import { columnChunkRange } from "../../lake/parquet/metadata.js";
import { chunkFormatOf } from "../../lake/scan/chunk-format.js";
import type { FileScan, RowGroupScan } from "../../lake/scan/scan-plan.js";
import { decodeChunks } from "./decode-chunks.js";
import { decodeColumnChunk, UnsupportedChunk } from "./decode-column-chunk.js";
import { prepareDecompression } from "./decompress.js";

const ROWS = 150_000; // two row groups of 65,536 and a partial one
const COLUMNS: [string, string, string][] = [
  // name, SQL, Iceberg type
  ["i", "CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7)::INTEGER END", "int"],
  ["l", "(i * 1000003)::BIGINT", "long"],
  ["d", "CASE WHEN i % 17 = 0 THEN NULL ELSE i / 7.0 END::DOUBLE", "double"],
  ["f", "(i / 4.0)::FLOAT", "float"],
  ["b", "CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END", "boolean"],
  ["day", "DATE '2023-01-01' + (i % 365)::INTEGER", "date"],
  ["ts", "TIMESTAMP '2023-01-01' + to_microseconds(i * 997)", "timestamp"],
  ["tz", "(TIMESTAMPTZ '2023-01-01 00:00:00+00' + to_microseconds(i))", "timestamptz"],
  ["low", "CASE WHEN i % 11 = 0 THEN NULL ELSE ['DE', 'FR', 'IT', 'ES', 'NL'][i % 5 + 1] END", "string"],
  ["high", "'merchant-' || (i * 7919 % 100003)::VARCHAR", "string"],
  ["bin", "('x' || i)::BLOB", "binary"],
  ["dec", "(i / 100.0)::DECIMAL(10, 2)", "decimal(10, 2)"],
  ["big", "(i * 1234567.891)::DECIMAL(30, 3)", "decimal(30, 3)"],
];

let dir: string;
let duck: Duck;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-decode-"));
  duck = await Duck.open();
  await prepareDecompression();
});
afterAll(async () => {
  duck?.close();
  await rm(dir, { recursive: true, force: true });
});

function valueAt(data: Data, row: number, type: string): unknown {
  const valid = data.nullCount === 0 || !data.nullBitmap || (data.nullBitmap[(data.offset + row) >> 3]! & (1 << ((data.offset + row) & 7))) !== 0;
  if (!valid) return null;
  if (type.startsWith("decimal")) {
    const words = (data.values as Uint32Array).subarray(row * 4, row * 4 + 4);
    return decimalToString(words, Number(/,\s*(\d+)/.exec(type)![1]));
  }
  if (type === "timestamp" || type === "timestamptz") return (data.values as BigInt64Array)[row];
  if (DataType.isDictionary(data.type)) {
    const dict = data.dictionary!.data[0]!;
    const k = (data.values as Int32Array)[row]!;
    return new TextDecoder().decode((dict.values as Uint8Array).subarray(dict.valueOffsets[k]!, dict.valueOffsets[k + 1]!));
  }
  if (type === "string") return new TextDecoder().decode((data.values as Uint8Array).subarray(data.valueOffsets[row]!, data.valueOffsets[row + 1]!));
  if (type === "binary") return Array.from((data.values as Uint8Array).subarray(data.valueOffsets[row]!, data.valueOffsets[row + 1]!)).join(",");
  if (type === "boolean") return ((data.values as Uint8Array)[(data.offset + row) >> 3]! >> ((data.offset + row) & 7)) & 1 ? true : false;
  return (data.values as ArrayLike<unknown>)[row];
}

const settings = [
  { name: "zstd, v1 pages", options: "COMPRESSION zstd" },
  { name: "snappy", options: "COMPRESSION snappy" },
  { name: "gzip", options: "COMPRESSION gzip" },
  { name: "brotli", options: "COMPRESSION brotli", rows: 20_000 },
  { name: "uncompressed", options: "COMPRESSION uncompressed" },
  { name: "lz4 (DuckDB decodes it)", options: "COMPRESSION lz4_raw" },
  { name: "v2 pages and encodings", options: "COMPRESSION zstd, PARQUET_VERSION v2" },
];

describe.each(settings)("decoding Parquet written with $name", ({ name, options, rows }: { name: string; options: string; rows?: number }) => {
  it("equals DuckDB's reading of the whole file, chunk by chunk", async () => {
    const file = path.join(dir, `${name.replace(/\W+/g, "-")}.parquet`);
    await duck.run(`COPY (SELECT ${COLUMNS.map(([n, sql]) => `${sql} AS ${n}`).join(", ")} FROM range(${rows ?? ROWS}) r(i) ORDER BY i)
      TO ${quoteLiteral(file)} (FORMAT parquet, ROW_GROUP_SIZE 65536, ${options})`);
    const bytes = new Uint8Array(await readFile(file));
    const footer = await readFooterFromFile(file);
    const expected = await arrowFromDuckDB(duck, `SELECT ${COLUMNS.map(([n]) => n).join(", ")} FROM read_parquet(${quoteLiteral(file)})`);
    const elements = new Map(footer.metadata.schema.slice(1).map((e) => [e.name, e]));
    const fileScan = { key: file, footer: { bytes: footer.bytes, offset: footer.offset } } as unknown as FileScan;
    let firstRow = 0;
    let jsDecoded = 0;
    for (const [index, group] of footer.metadata.row_groups.entries()) {
      const rowCount = Number(group.num_rows);
      const rowGroup = { index, rowCount, firstRow, chunks: [], whole: true } as RowGroupScan;
      const items = group.columns.map((c, col) => {
        const meta = c.meta_data!;
        const { offset, length } = columnChunkRange(meta);
        const chunk = { fieldId: col + 1, column: COLUMNS[col]![0], path: COLUMNS[col]![0], fileType: COLUMNS[col]![2] as PrimitiveType, type: COLUMNS[col]![2] as PrimitiveType, rowGroup: index, offset, length, uncompressedLength: 0, format: chunkFormatOf(meta, elements.get(meta.path_in_schema[0]!)) };
        return { file: fileScan, rowGroup, chunk, fieldType: COLUMNS[col]![2] as PrimitiveType, bytes: bytes.subarray(offset, offset + length) };
      });
      const decoded = await decodeChunks(items, async () => duck, () => file);
      for (const [col, item] of items.entries()) {
        // Both decoders, each on its own: decodeChunks (native first when built) and the
        // JavaScript decoder alone.
        const candidates = [decoded[col]!.data];
        try {
          candidates.push(decodeColumnChunk(item.bytes, item.chunk.format, item.fieldType, rowCount));
          jsDecoded++;
        } catch (err) {
          if (!(err instanceof UnsupportedChunk)) throw err;
        }
        const [column, , type] = COLUMNS[col]!;
        const want = expected.getChild(column)!;
        for (const data of candidates) {
          expect(data.length).toBe(rowCount);
          for (const row of [0, 1, 12, 13, 4095, 4096, rowCount - 1]) {
            let w: unknown = want.get(firstRow + row);
            if (type.startsWith("decimal") && w !== null) w = decimalToString(w as Uint32Array, Number(/,\s*(\d+)/.exec(type)![1]));
            if ((type === "timestamp" || type === "timestamptz") && w !== null) w = (want.data[0]!.values as BigInt64Array)[firstRow + row];
            if (type === "date" && w !== null) w = (want.data[0]!.values as Int32Array)[firstRow + row];
            if (type === "binary" && w !== null) w = Array.from(w as Uint8Array).join(",");
            expect([column, firstRow + row, valueAt(data, row, type)]).toEqual([column, firstRow + row, w]);
          }
        }
      }
      firstRow += rowCount;
    }
    // Most chunks are decoded in JavaScript, except where the codec says otherwise.
    if (!name.startsWith("lz4")) expect(jsDecoded).toBeGreaterThan(0);
  });
});

it("keeps dictionary-encoded strings as an Arrow dictionary, with no string decoded", async () => {
  const file = path.join(dir, "dict.parquet");
  await duck.run(`COPY (SELECT ['DE', 'FR', 'IT'][i % 3 + 1] AS c FROM range(10000) r(i)) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`);
  const footer = await readFooterFromFile(file);
  const meta = footer.metadata.row_groups[0]!.columns[0]!.meta_data!;
  const { offset, length } = columnChunkRange(meta);
  const bytes = new Uint8Array(await readFile(file)).subarray(offset, offset + length);
  const data = decodeColumnChunk(bytes, chunkFormatOf(meta, footer.metadata.schema[1]), "string", 10000);
  expect(DataType.isDictionary(data.type)).toBe(true);
  expect(data.dictionary!.length).toBe(3);
  expect((data.values as Int32Array).buffer).toBeInstanceOf(SharedArrayBuffer);
});
