// Reading a Parquet footer with as few ranged reads as possible: one read of the file's
// tail (64 KiB covers most footers), a second only when the footer is larger. The
// same logic serves a local file and an object in a store.
import { open } from "node:fs/promises";
import type { ObjectStore } from "../store/object-store.js";
import { LakeFormatError } from "./errors.js";
import { parseParquetMetadata, type FileMetaData } from "./metadata.js";

const TAIL = 64 * 1024;
const MAGIC = "PAR1";

export interface Footer {
  /** The Thrift FileMetaData bytes (without the trailing length and magic). */
  bytes: Uint8Array;
  /** Offset of `bytes` in the file. */
  offset: number;
  metadata: FileMetaData;
}

export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

export async function readFooterWith(size: number, read: ReadRange, where: string): Promise<Footer> {
  if (size < 12) throw new LakeFormatError(`${where} is not a Parquet file: only ${size} bytes`);
  const tailLength = Math.min(size, TAIL);
  const tail = await read(size - tailLength, tailLength);
  const magic = new TextDecoder().decode(tail.subarray(tail.length - 4));
  if (magic !== MAGIC) throw new LakeFormatError(`${where} is not a Parquet file (no PAR1 magic at its end; truncated or another format)`);
  const footerLength = new DataView(tail.buffer, tail.byteOffset + tail.length - 8, 4).getUint32(0, true);
  const offset = size - 8 - footerLength;
  if (footerLength <= 0 || offset < 4) throw new LakeFormatError(`${where} has a corrupt Parquet footer length (${footerLength} bytes in a ${size}-byte file)`);
  const bytes = footerLength + 8 <= tail.length
    ? tail.subarray(tail.length - 8 - footerLength, tail.length - 8)
    : await read(offset, footerLength);
  let metadata: FileMetaData;
  try {
    const withTrailer = new Uint8Array(bytes.length + 8);
    withTrailer.set(bytes, 0);
    withTrailer.set(tail.subarray(tail.length - 8), bytes.length);
    metadata = parseParquetMetadata(withTrailer);
  } catch (err) {
    throw new LakeFormatError(`${where} has an unreadable Parquet footer: ${(err as Error).message}`);
  }
  return { bytes: bytes.slice(), offset, metadata };
}

export async function readFooterFromFile(path: string): Promise<Footer> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    return await readFooterWith(size, async (offset, length) => {
      const out = new Uint8Array(length);
      await handle.read(out, 0, length, offset);
      return out;
    }, path);
  } finally {
    await handle.close();
  }
}

export async function readFooterFromStore(store: ObjectStore, key: string, size?: number): Promise<Footer> {
  const length = size ?? (await store.head(key))?.size;
  if (length === undefined) throw new LakeFormatError(`data file ${store.uriOf(key)} is missing`);
  return readFooterWith(length, (offset, len) => store.get(key, { offset, length: len }), store.uriOf(key));
}
