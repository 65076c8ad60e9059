// Decoding fetched (or disk-cached) column chunks into Arrow fragments: the native
// decoder when the bridge is built (decode-native.ts: on the thread pool, several chunks
// at once), else or for what it does not take the JavaScript page decoder
// (decode-column-chunk.ts), and for a chunk neither covers (another encoding or codec,
// INT96 timestamps, ...) DuckDB's Parquet reader over a mini file of that row group's
// chunks.
import type { Data } from "apache-arrow";
import type { Duck } from "../../columnar/duckdb.js";
import type { FileScan, RowGroupScan, ColumnChunkRef } from "../../lake/scan/scan-plan.js";
import { nativeStatus } from "../../columnar/native/load-native.js";
import { isPrimitive, type IcebergType } from "../../lake/schema.js";
import { decodeColumnChunk, UnsupportedChunk } from "./decode-column-chunk.js";
import { decodeNatively } from "./decode-native.js";
import { DecodeError, decodeRowGroup } from "./decode-row-group.js";

export interface ChunkToDecode {
  file: FileScan;
  rowGroup: RowGroupScan;
  chunk: ColumnChunkRef;
  /** The Iceberg type to decode as (the file's type of the column; see ColumnChunkRef.fileType). */
  fieldType: IcebergType;
  bytes: Uint8Array;
}

export interface DecodeOutcome {
  data: Data;
  /** Decoded by DuckDB rather than the JavaScript decoder. */
  fallback: boolean;
}

/** One Data per chunk, in the same order. `where(file)` names the file in errors. */
export async function decodeChunks(items: ChunkToDecode[], duck: () => Promise<Duck>, where: (file: FileScan) => string): Promise<DecodeOutcome[]> {
  const out: DecodeOutcome[] = new Array(items.length);
  const fallback = new Map<string, number[]>();
  const bridge = nativeStatus().bridge;
  const native = bridge
    ? await Promise.all(items.map((item) => !isPrimitive(item.fieldType) ? undefined : decodeNatively(bridge, item.bytes, item.chunk.format, item.fieldType, item.rowGroup.rowCount, item.chunk.uncompressedLength)
      .catch((err: Error) => { throw new DecodeError(`cannot decode column ${item.chunk.column} of row group ${item.rowGroup.index} of ${where(item.file)}: ${err.message}`); })))
    : [];
  items.forEach((item, i) => {
    const data = native[i];
    if (data) {
      out[i] = { data, fallback: false };
      return;
    }
    try {
      if (!isPrimitive(item.fieldType) || item.chunk.format.nested) throw new UnsupportedChunk("nested column");
      out[i] = { data: decodeColumnChunk(item.bytes, item.chunk.format, item.fieldType, item.rowGroup.rowCount), fallback: false };
    } catch (err) {
      if (!(err instanceof UnsupportedChunk)) {
        throw new DecodeError(`cannot decode column ${item.chunk.column} of row group ${item.rowGroup.index} of ${where(item.file)}: ${(err as Error).message}`);
      }
      const id = `${item.file.key}#${item.rowGroup.index}`;
      fallback.set(id, [...(fallback.get(id) ?? []), i]);
    }
  });
  for (const indices of fallback.values()) {
    const first = items[indices[0]!]!;
    const decoded = await decodeRowGroup(await duck(), first.file.footer.bytes, first.rowGroup.index, first.rowGroup.rowCount,
      indices.map((i) => {
        const chunk = items[i]!.chunk;
        return { column: chunk.path, offset: chunk.offset, bytes: items[i]!.bytes, type: items[i]!.fieldType, ...(chunk.fileTree ? { fileTree: chunk.fileTree } : {}) };
      }), where(first.file));
    for (const i of indices) out[i] = { data: decoded.get(items[i]!.chunk.path)!, fallback: true };
  }
  return out;
}
