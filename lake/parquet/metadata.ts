// Parquet footers parsed with hyparquet, with statistics kept exact in lakeloop's
// Scalar representation: timestamps as bigint microseconds (hyparquet's default Date
// would drop the microseconds), dates as day numbers, strings decoded from UTF-8, and
// decimals as their unscaled bigint (hyparquet scales them into doubles, so their
// statistics are read again from the footer's raw bytes).
import { parquetMetadata, type FileMetaData, type SchemaElement } from "hyparquet";
import { deserializeTCompactProtocol } from "hyparquet/src/thrift.js";
import { decodeBigEndian } from "../iceberg/bounds.js";

const PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => millis * 1000n,
  timestampFromMicroseconds: (micros: bigint) => micros,
  timestampFromNanoseconds: (nanos: bigint) => nanos / 1000n,
  dateFromDays: (days: number) => days,
  stringFromBytes: (bytes: Uint8Array) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes)),
};

export type { FileMetaData };

/** Parses a footer given either the whole file or its tail (footer, length, magic). */
export function parseParquetMetadata(bytes: Uint8Array): FileMetaData {
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.slice().buffer as ArrayBuffer);
  const metadata = parquetMetadata(buffer, { parsers: PARSERS });
  if (metadata.schema.some(isDecimal)) exactDecimalStatistics(metadata, buffer);
  return metadata;
}

const isDecimal = (e: SchemaElement) => e.converted_type === "DECIMAL" || e.logical_type?.type === "DECIMAL";

/** The unscaled value of a decimal statistic's raw bytes, by the column's physical type. */
function unscaledOf(bytes: Uint8Array | undefined, element: SchemaElement): bigint | undefined {
  if (!bytes) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (element.type === "INT32" && bytes.length === 4) return BigInt(view.getInt32(0, true));
  if (element.type === "INT64" && bytes.length === 8) return view.getBigInt64(0, true);
  if (element.type === "FIXED_LEN_BYTE_ARRAY" || element.type === "BYTE_ARRAY") return decodeBigEndian(bytes);
  return undefined;
}

type RawStatistics = { field_5?: Uint8Array; field_6?: Uint8Array } | undefined;
type RawFooter = { field_4?: { field_1: { field_3?: { field_12?: RawStatistics } }[] }[] };

/** Replaces the statistics of decimal columns with exact unscaled bigints. */
function exactDecimalStatistics(metadata: FileMetaData, buffer: ArrayBuffer): void {
  const view = new DataView(buffer);
  const length = view.getUint32(view.byteLength - 8, true);
  const raw = deserializeTCompactProtocol({ view, offset: view.byteLength - 8 - length }) as RawFooter;
  const leaves = metadata.schema.filter((e) => e.type);
  metadata.row_groups.forEach((group, g) => {
    group.columns.forEach((chunk, c) => {
      const element = leaves[c];
      const stats = chunk.meta_data?.statistics;
      if (!element || !isDecimal(element) || !stats) return;
      const rawStats = raw.field_4?.[g]?.field_1[c]?.field_3?.field_12;
      // The legacy min/max of a decimal have no defined order: only min_value/max_value count.
      stats.min = undefined;
      stats.max = undefined;
      stats.min_value = unscaledOf(rawStats?.field_6, element);
      stats.max_value = unscaledOf(rawStats?.field_5, element);
    });
  });
}

/** Byte range of a column chunk: from its dictionary page (if any) over all its pages. */
export function columnChunkRange(meta: { dictionary_page_offset?: bigint; data_page_offset: bigint; total_compressed_size: bigint }): { offset: number; length: number } {
  const dictionary = meta.dictionary_page_offset;
  const offset = Number(dictionary !== undefined && dictionary > 0n && dictionary < meta.data_page_offset ? dictionary : meta.data_page_offset);
  return { offset, length: Number(meta.total_compressed_size) };
}
