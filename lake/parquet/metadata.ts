// Parquet footers parsed with hyparquet, with statistics kept exact in lakeloop's
// Scalar representation: timestamps as bigint microseconds (hyparquet's default Date
// would drop the microseconds), dates as day numbers, strings decoded from UTF-8.
import { parquetMetadata, type FileMetaData } from "hyparquet";

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
  return parquetMetadata(buffer, { parsers: PARSERS });
}

/** Byte range of a column chunk: from its dictionary page (if any) over all its pages. */
export function columnChunkRange(meta: { dictionary_page_offset?: bigint; data_page_offset: bigint; total_compressed_size: bigint }): { offset: number; length: number } {
  const dictionary = meta.dictionary_page_offset;
  const offset = Number(dictionary !== undefined && dictionary > 0n && dictionary < meta.data_page_offset ? dictionary : meta.data_page_offset);
  return { offset, length: Number(meta.total_compressed_size) };
}
