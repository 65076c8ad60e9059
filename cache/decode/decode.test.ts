import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Vector } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrowFromDuckDB } from "../../columnar/arrow-from-duckdb.js";
import { Duck, quoteLiteral } from "../../columnar/duckdb.js";
import { readFooterFromFile } from "../../lake/parquet/footer.js";
import { columnChunkRange } from "../../lake/parquet/metadata.js";
import { decodeRowGroup } from "./decode-row-group.js";
import { decodeStruct, encodeStruct } from "./thrift-compact.js";

let dir: string;
let duck: Duck;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-decode-"));
  duck = await Duck.open();
  file = path.join(dir, "f.parquet");
  await duck.run(`COPY (SELECT i AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1.5 END AS usd, 'c' || (i % 40) AS country,
    TIMESTAMP '2023-01-01' + to_microseconds(i * 1000000) AS eventTime, i % 3 = 0 AS flag, (i % 100)::INTEGER AS qty
    FROM range(50000) r(i)) TO ${quoteLiteral(file)} (FORMAT parquet, ROW_GROUP_SIZE 10240, COMPRESSION zstd)`);
});
afterAll(async () => { duck?.close(); await rm(dir, { recursive: true, force: true }); });

describe("Thrift compact codec", () => {
  it("re-encodes a real Parquet footer byte for byte", async () => {
    const footer = await readFooterFromFile(file);
    expect(encodeStruct(decodeStruct(footer.bytes))).toEqual(footer.bytes);
  });
});

describe("decodeRowGroup", () => {
  it("decodes chosen chunks of one row group exactly as DuckDB reads the original file", async () => {
    const footer = await readFooterFromFile(file);
    const bytes = new Uint8Array(await readFile(file));
    const groups = footer.metadata.row_groups;
    expect(groups.length).toBeGreaterThan(2);
    const index = 2;
    const first = groups.slice(0, index).reduce((s, g) => s + Number(g.num_rows), 0);
    const rows = Number(groups[index]!.num_rows);
    const chunks = ["usd", "country", "eventTime", "flag"].map((column) => {
      const meta = groups[index]!.columns.find((c) => c.meta_data!.path_in_schema[0] === column)!.meta_data!;
      const { offset, length } = columnChunkRange(meta);
      return { column, offset, bytes: bytes.subarray(offset, offset + length), type: "string" as const };
    });
    const decoded = await decodeRowGroup(duck, footer.bytes, index, rows, chunks, file);
    const expected = await arrowFromDuckDB(duck, `SELECT usd, country, eventTime, flag FROM read_parquet(${quoteLiteral(file)}) LIMIT ${rows} OFFSET ${first}`);
    for (const column of ["usd", "country", "eventTime", "flag"]) {
      const data = decoded.get(column)!;
      expect(data.length).toBe(rows);
      expect(data.values.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect([...new Vector([data])]).toEqual([...expected.getChild(column)!]);
    }
  });
});
