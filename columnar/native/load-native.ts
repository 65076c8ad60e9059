// Finds and loads lakeloop's native DuckDB bridge (built by `npm install` when a compiler
// is there, see build.cjs), once per process. Without it — not built, failed to load, or
// LAKELOOP_NATIVE=0 — callers take the JavaScript path; `nativeStatus()` says which and why.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export type NativeHandle = { readonly __brand: "native" };

export interface NativeColumnDescription {
  name: string;
  kind: string;
  duckType: number;
  width: number;
  multiply?: number;
  divide?: number;
  keyWidth?: number;
  values?: string[];
  precision?: number;
  scale?: number;
}

export interface NativeSlice {
  offset: number;
  validity?: Uint8Array;
  values?: ArrayBufferView;
  offsets?: Int32Array;
  remap?: Int32Array;
  dictionaryOffsets?: Int32Array;
  dictionaryBytes?: Uint8Array;
}

export interface NativeTableDescription {
  columns: NativeColumnDescription[];
  /** Add a last column "__lakeloop_batch": each row's batch number. */
  batchColumn?: boolean;
  batches: { length: number; columns: NativeSlice[] }[];
}

export interface NativeResultColumn {
  name: string;
  type: string;
  precision: number;
  scale: number;
  nullCount: number;
  values: Uint8Array;
  validity?: Uint8Array;
  offsets?: Uint8Array;
  dictionaryOffsets?: Uint8Array;
  dictionaryBytes?: Uint8Array;
}

/** The addon's exports (columnar/native/addon.cc). */
export interface NativeBridge {
  open(path: string, config: Record<string, string>): NativeHandle;
  close(db: NativeHandle): void;
  connect(db: NativeHandle): NativeHandle;
  disconnect(conn: NativeHandle): void;
  interrupt(conn: NativeHandle): void;
  register(conn: NativeHandle, name: string, description: NativeTableDescription): number;
  release(conn: NativeHandle, name: string, id: number): void;
  query(conn: NativeHandle, sql: string, allocate: (bytes: number) => Uint8Array): Promise<{ rows: number; columns: NativeResultColumn[]; executeMs: number; convertMs: number }>;
  zstdDecompress(src: Uint8Array, dst: Uint8Array): number;
  /** Decodes a Parquet column chunk into the given buffers, on a thread of the pool (columnar/native/decode-chunk.h). */
  decodeChunk(chunk: Uint8Array, spec: Record<string, number | boolean | undefined>, out: Record<string, Uint8Array>):
    Promise<{ nullCount: number; valuesLength: number; dictCount: number; dictBytesLength: number; dictionary: boolean } | { unsupported: string }>;
  /** A 64-bit checksum of the view's bytes, at memory speed. */
  checksum(view: ArrayBufferView): bigint;
  /** The checksums of several views, on a thread of the pool. */
  checksumAll(views: ArrayBufferView[]): Promise<bigint[]>;
  /** Arrow tables registered right now, process-wide. */
  registrations(): number;
}

export interface NativeStatus {
  bridge: NativeBridge | null;
  /** "native" when loaded, else "js". */
  path: "native" | "js";
  /** Why: where it was loaded from, or why it was not. */
  reason: string;
}

let status: NativeStatus | undefined;

/** The addon file, whether this module runs from dist/ or from the sources. */
function addonFile(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, "build", "Release", "lakeloop_duckdb.node"),
    path.resolve(here, "../../../columnar/native/build/Release/lakeloop_duckdb.node"),
  ];
  return candidates.find((f) => existsSync(f));
}

export function nativeStatus(env: NodeJS.ProcessEnv = process.env): NativeStatus {
  if (status) return status;
  if (env.LAKELOOP_NATIVE === "0") return (status = { bridge: null, path: "js", reason: "turned off by LAKELOOP_NATIVE=0" });
  const file = addonFile();
  if (!file) return (status = { bridge: null, path: "js", reason: "the native bridge was not built (no C++ compiler at npm install?)" });
  try {
    const require = createRequire(import.meta.url);
    // DuckDB's own bindings load libduckdb first; the addon links that same library.
    require("@duckdb/node-bindings");
    const bridge = require(file) as NativeBridge;
    return (status = { bridge, path: "native", reason: `native bridge ${path.relative(process.cwd(), file) || file}` });
  } catch (err) {
    return (status = { bridge: null, path: "js", reason: `the native bridge did not load: ${(err as Error).message.split("\n")[0]}` });
  }
}
