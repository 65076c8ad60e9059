// The disk tier: one Arrow IPC stream per fragment under <dir>/<2 hex>/<key>.arrow,
// behind a 32-byte header (magic, key, xxhash64 of the body, body length). A file whose
// header or checksum does not match — corrupt, truncated, or another program's — is
// deleted and reported as a miss, never returned. Writes are atomic (temp + rename), so
// a crash leaves either the whole fragment or none; the tier survives restarts.
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { Field, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, type Data } from "apache-arrow";
import type { FragmentKey } from "./fragment-key.js";
import { decodedBytes, type Fragment } from "./fragment.js";
import { hasherNow } from "./hash.js";

const MAGIC = Buffer.from("LLFRAG\u0000\u0001", "latin1");
const HEADER = 32;

export interface DiskRead {
  fragment?: Fragment;
  /** Bytes read from disk (the file's size), also for a rejected file. */
  fileBytes: number;
  /** The file existed but failed verification and was removed. */
  corrupt?: string;
}

export class DiskTier {
  corruptions = 0;

  constructor(readonly dir: string) {}

  pathOf(key: FragmentKey): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.arrow`);
  }

  async write(fragment: Fragment): Promise<number> {
    const schema = new Schema([new Field("v", fragment.data.type, true)]);
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: fragment.data.length, nullCount: 0, children: [fragment.data] }));
    const body = tableToIPC(new Table(schema, [batch]), "stream");
    const header = Buffer.alloc(HEADER);
    MAGIC.copy(header, 0);
    header.write(fragment.key, 8, "hex");
    header.writeBigUInt64LE(hasherNow().h64Raw(body), 16);
    header.writeBigUInt64LE(BigInt(body.byteLength), 24);
    const file = this.pathOf(fragment.key);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(temp, Buffer.concat([header, body]));
    await rename(temp, file);
    return HEADER + body.byteLength;
  }

  /** The fragment, read into shared memory, if a valid file for the key exists. */
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
      bytes = new Uint8Array(new SharedArrayBuffer(Math.max(size, 1)), 0, size);
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
    if (problem) {
      this.corruptions++;
      await rm(file, { force: true });
      return { fileBytes: bytes.length, corrupt: `${file}: ${problem}` };
    }
    try {
      const table = tableFromIPC(bytes.subarray(HEADER));
      const data = table.batches[0]!.data.children[0]! as Data;
      return { fragment: { key, data, bytes: decodedBytes(data) }, fileBytes: bytes.length };
    } catch (err) {
      this.corruptions++;
      await rm(file, { force: true });
      return { fileBytes: bytes.length, corrupt: `${file}: unreadable Arrow (${(err as Error).message})` };
    }
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
    await rm(this.dir, { recursive: true, force: true });
  }
}
