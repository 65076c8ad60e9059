// Page decompression for the codecs Parquet writers use. zstd runs at native speed
// through DuckDB's own zstd (the native bridge), else Node's zlib (Node 22.15+), else
// a wasm decoder; gzip and brotli through zlib; snappy and the deprecated LZ4 (lz4.ts) in
// JavaScript. A codec not listed here (LZ4_RAW, LZO) makes the caller fall back to
// DuckDB's reader.
import * as zlib from "node:zlib";
import { ZSTDDecoder } from "zstddec";
import { nativeStatus } from "../../columnar/native/load-native.js";
import { lz4Decompress } from "./lz4.js";
import { snappyDecompress } from "./snappy.js";

export const SUPPORTED_CODECS = new Set(["UNCOMPRESSED", "ZSTD", "SNAPPY", "GZIP", "BROTLI", "LZ4"]);

let wasm: ZSTDDecoder | undefined;
let wasmReady: Promise<void> | undefined;

/** Loads the wasm zstd decoder when neither the bridge nor zlib can decompress zstd. */
export async function prepareDecompression(): Promise<void> {
  if (nativeStatus().bridge || typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === "function") return;
  wasm ??= new ZSTDDecoder();
  wasmReady ??= wasm.init();
  await wasmReady;
}

/** Which zstd decompressor is in use, in words (for `lakeloop worker --status`). */
export function zstdPath(): string {
  if (nativeStatus().bridge) return "native (DuckDB's zstd through the bridge)";
  if (typeof (zlib as { zstdDecompressSync?: unknown }).zstdDecompressSync === "function") return "native (Node's zlib)";
  return "wasm (zstddec)";
}

/**
 * The page's bytes decompressed into `out` (sized to the page's uncompressed size, which
 * it must fill exactly). Returns `out`, or `src` itself for uncompressed pages.
 */
export function decompress(codec: string, src: Uint8Array, out: Uint8Array): Uint8Array {
  switch (codec) {
    case "UNCOMPRESSED":
      return src;
    case "ZSTD": {
      const bridge = nativeStatus().bridge;
      if (bridge) {
        const n = bridge.zstdDecompress(src, out);
        if (n !== out.length) throw new Error(`zstd page gave ${n} bytes, its header says ${out.length}`);
        return out;
      }
      const zstd = (zlib as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
      const bytes = zstd ? zstd(src) : wasm!.decode(src, out.length);
      out.set(bytes);
      return out;
    }
    case "SNAPPY":
      snappyDecompress(src, out);
      return out;
    case "GZIP":
      out.set(zlib.gunzipSync(src));
      return out;
    case "BROTLI":
      out.set(zlib.brotliDecompressSync(src));
      return out;
    case "LZ4":
      lz4Decompress(src, out);
      return out;
    default:
      throw new Error(`codec ${codec} is not decoded in JavaScript`);
  }
}
