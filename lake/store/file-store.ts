// The default object store: a directory on the local file system. Writes are atomic
// (temp file + rename) and put-if-absent is decided by link(2), which fails with
// EEXIST for every caller but one, across processes.
import { createHash, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ObjectNotFoundError, RangeError_, StoreError } from "./errors.js";
import type { ByteRange, ObjectInfo, ObjectStore } from "./object-store.js";

const TEMP_MARK = ".lakeloop-tmp-";

export class FileStore implements ObjectStore {
  readonly root: string;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    this.root = pathToFileURL(this.dir).href;
  }

  static async open(dir: string): Promise<FileStore> {
    const store = new FileStore(dir);
    await fs.mkdir(store.dir, { recursive: true });
    return store;
  }

  #path(key: string): string {
    const full = path.resolve(this.dir, key);
    // The file system's root ("/") already ends in a separator.
    const inside = this.dir.endsWith(path.sep) ? this.dir : this.dir + path.sep;
    if (full !== this.dir && !full.startsWith(inside)) {
      throw new StoreError("BAD_KEY", `key '${key}' escapes the store root ${this.root}`);
    }
    return full;
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    const file = this.#path(key);
    let handle;
    try {
      handle = await fs.open(file, "r");
    } catch (err) {
      throw this.#missing(err, key);
    }
    try {
      const { size } = await handle.stat();
      const offset = range?.offset ?? 0;
      const length = range?.length ?? size;
      if (offset < 0 || length < 0 || offset + length > size) throw new RangeError_(key, offset, length, size);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new StoreError("SHORT_READ", `object '${key}' in ${this.root} shrank while being read`);
        done += bytesRead;
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      return infoOf(key, await fs.stat(this.#path(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    const file = this.#path(key);
    const temp = await this.#writeTemp(file, body);
    await fs.rename(temp, file);
    return infoOf(key, await fs.stat(file));
  }

  async putFile(key: string, localPath: string): Promise<ObjectInfo> {
    const file = this.#path(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = tempNameFor(file);
    try {
      await fs.copyFile(localPath, temp, constants.COPYFILE_FICLONE);
      await fs.rename(temp, file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    return infoOf(key, await fs.stat(file));
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const file = this.#path(key);
    const temp = await this.#writeTemp(file, body);
    try {
      await fs.link(temp, file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw err;
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    // Walk only the deepest directory the prefix names, then filter by the full prefix.
    const slash = prefix.lastIndexOf("/");
    const start = slash >= 0 ? this.#path(prefix.slice(0, slash)) : this.dir;
    const out: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
        throw err;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() && !entry.name.includes(TEMP_MARK)) {
          const key = path.relative(this.dir, full).split(path.sep).join("/");
          if (key.startsWith(prefix)) {
            try {
              out.push(infoOf(key, await fs.stat(full)));
            } catch (err) {
              if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err; // deleted meanwhile
            }
          }
        }
      }
    };
    await walk(start);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.#path(key), { force: true });
  }

  uriOf(key: string): string {
    return pathToFileURL(this.#path(key)).href;
  }

  keyOf(uri: string): string {
    if (!uri.startsWith("file:")) throw new StoreError("FOREIGN_URI", `'${uri}' is not under ${this.root}`);
    const file = fileURLToPath(uri);
    const rel = path.relative(this.dir, file);
    if (rel.startsWith("..") || path.isAbsolute(rel)) throw new StoreError("FOREIGN_URI", `'${uri}' is not under ${this.root}`);
    return rel.split(path.sep).join("/");
  }

  async close(): Promise<void> {}

  async #writeTemp(file: string, body: Uint8Array | string): Promise<string> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = tempNameFor(file);
    const handle = await fs.open(temp, "wx");
    try {
      await handle.writeFile(body);
      await handle.sync();
    } catch (err) {
      await handle.close();
      await fs.rm(temp, { force: true });
      throw err;
    }
    await handle.close();
    return temp;
  }

  #missing(err: unknown, key: string): Error {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "EISDIR" ? new ObjectNotFoundError(key, this.root) : (err as Error);
  }
}

function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `${TEMP_MARK}${path.basename(file)}.${randomBytes(6).toString("hex")}`);
}

function infoOf(key: string, stat: { size: number; mtimeMs: number; ino: number }): ObjectInfo {
  const etag = createHash("sha1").update(`${stat.ino}:${stat.size}:${stat.mtimeMs}`).digest("hex").slice(0, 16);
  return { key, size: stat.size, etag, lastModified: new Date(stat.mtimeMs) };
}
