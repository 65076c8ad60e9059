// The disk tier: the fetched Parquet bytes of each fragment (its column chunk, still
// compressed) under <dir>/<2 hex>/<key>.chunk, behind a 32-byte header (magic, key,
// xxhash64 of the body, body length). A fragment read from disk is decoded like one just
// fetched, so disk holds a quarter of what decoded Arrow would, its bytes count in the
// same units as the object store's, and what is written is the store's own bytes —
// never memory a model could have touched. A file whose header or checksum does not
// match — corrupt, truncated, or another program's — is deleted and reported as a
// miss, never returned. Writes are atomic (temp + rename) and run off the scan's
// critical path; `settled()` waits for them.
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { FragmentKey } from "./fragment-key.js";
import { hasherNow } from "./hash.js";

const MAGIC = Buffer.from("LLCHNK\u0000\u0002", "latin1");
const HEADER = 32;

export interface DiskRead {
  /** The chunk's bytes, when a valid file for the key exists. */
  bytes?: Uint8Array;
  /** Bytes read from disk (the file's size), also for a rejected file. */
  fileBytes: number;
  /** The file existed but failed verification and was removed. */
  corrupt?: string;
}

export class DiskTier {
  corruptions = 0;
  readonly #pending = new Set<Promise<unknown>>();
  /** Write failures (a full disk must not fail scans): the last one, for `lakeloop worker` logs. */
  lastWriteError: string | undefined;

  constructor(readonly dir: string) {}

  pathOf(key: FragmentKey): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.chunk`);
  }

  /** Starts writing the chunk; returns at once. */
  writeLater(key: FragmentKey, chunk: Uint8Array): void {
    const write = this.write(key, chunk).catch((err: Error) => { this.lastWriteError = err.message; });
    this.#pending.add(write);
    void write.finally(() => this.#pending.delete(write));
  }

  /** Waits for every write started so far. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async write(key: FragmentKey, chunk: Uint8Array): Promise<number> {
    const header = Buffer.alloc(HEADER);
    MAGIC.copy(header, 0);
    header.write(key, 8, "hex");
    header.writeBigUInt64LE(hasherNow().h64Raw(chunk), 16);
    header.writeBigUInt64LE(BigInt(chunk.byteLength), 24);
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temp, Buffer.concat([header, chunk]));
    await rename(temp, file);
    return HEADER + chunk.byteLength;
  }

  async read(key: FragmentKey): Promise<DiskRead> {
    const file = this.pathOf(key);
    let handle;
    try {
      handle = await open(file, "r");
    } catch {
      return { fileBytes: 0 };
    }
    let bytes: Uint8Array;
    try {
      const { size } = await handle.stat();
      bytes = new Uint8Array(size);
      let done = 0;
      while (done < size) {
        const { bytesRead } = await handle.read(bytes, done, size - done, done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } finally {
      await handle.close();
    }
    const problem = this.#verify(key, bytes);
    if (problem) return this.reject(key, bytes.length, problem);
    return { bytes: bytes.subarray(HEADER), fileBytes: bytes.length };
  }

  /** Removes a fragment's file that turned out unusable (corrupt, or undecodable). */
  async reject(key: FragmentKey, fileBytes: number, problem: string): Promise<DiskRead> {
    this.corruptions++;
    const file = this.pathOf(key);
    await rm(file, { force: true });
    return { fileBytes, corrupt: `${file}: ${problem}` };
  }

  async has(key: FragmentKey): Promise<boolean> {
    try {
      const handle = await open(this.pathOf(key), "r");
      await handle.close();
      return true;
    } catch {
      return false;
    }
  }

  #verify(key: FragmentKey, bytes: Uint8Array): string | undefined {
    if (bytes.length < HEADER) return `truncated (${bytes.length} bytes)`;
    const header = Buffer.from(bytes.buffer, bytes.byteOffset, HEADER);
    if (!header.subarray(0, 8).equals(MAGIC)) return "not a lakeloop fragment";
    if (header.toString("hex", 8, 16) !== key) return "holds another fragment";
    const length = header.readBigUInt64LE(24);
    if (length !== BigInt(bytes.length - HEADER)) return `truncated (${bytes.length - HEADER} of ${length} bytes)`;
    if (hasherNow().h64Raw(bytes.subarray(HEADER)) !== header.readBigUInt64LE(16)) return "checksum mismatch";
    return undefined;
  }

  async clear(): Promise<void> {
    await this.settled();
    await rm(this.dir, { recursive: true, force: true });
  }
}
