// The behaviour every ObjectStore must show, run against FileStore and S3Store alike.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectNotFoundError } from "./errors.js";
import type { ObjectStore } from "./object-store.js";

export interface StoreFixture {
  store: ObjectStore;
  /** A store of the same kind whose multipart threshold is small (S3), for putFile. */
  close(): Promise<void>;
}

export function describeObjectStore(name: string, open: () => Promise<StoreFixture>): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    let fixture: StoreFixture;
    let store: ObjectStore;
    let scratch: string;
    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
      scratch = await mkdtemp(path.join(tmpdir(), "lakeloop-store-suite-"));
    });
    afterAll(async () => {
      await fixture?.close();
      await rm(scratch, { recursive: true, force: true });
    });

    it("puts and gets whole objects and exact ranges", async () => {
      const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
      await store.put("a/b/data.bin", bytes);
      expect(await store.get("a/b/data.bin")).toEqual(bytes);
      expect(await store.get("a/b/data.bin", { offset: 0, length: 1 })).toEqual(bytes.slice(0, 1));
      expect(await store.get("a/b/data.bin", { offset: 400, length: 123 })).toEqual(bytes.slice(400, 523));
      expect(await store.get("a/b/data.bin", { offset: 999, length: 1 })).toEqual(bytes.slice(999));
      await expect(store.get("a/b/data.bin", { offset: 990, length: 20 })).rejects.toThrow(/outside object|range/i);
    });

    it("reports a missing object by key", async () => {
      await expect(store.get("no/such/key")).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.get("no/such/key")).rejects.toThrow(/no\/such\/key/);
      expect(await store.head("no/such/key")).toBeUndefined();
    });

    it("heads size and an etag that changes with the content", async () => {
      const first = await store.put("h/x.txt", "hello");
      const head = await store.head("h/x.txt");
      expect(head).toMatchObject({ key: "h/x.txt", size: 5 });
      expect(head!.etag).toBe(first.etag);
      await new Promise((r) => setTimeout(r, 5));
      await store.put("h/x.txt", "hello, world");
      const again = await store.head("h/x.txt");
      expect(again!.size).toBe(12);
      expect(again!.etag).not.toBe(head!.etag);
      expect(new TextDecoder().decode(await store.get("h/x.txt"))).toBe("hello, world");
    });

    it("putIfAbsent lets exactly one of many concurrent writers win and keeps its content", async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfAbsent("race/v1.json", `writer ${i}`)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(new TextDecoder().decode(await store.get("race/v1.json"))).toBe(`writer ${winner}`);
      expect(await store.putIfAbsent("race/v1.json", "late")).toBe(false);
      expect(new TextDecoder().decode(await store.get("race/v1.json"))).toBe(`writer ${winner}`);
    });

    it("lists by prefix in key order, excluding other prefixes", async () => {
      for (const key of ["l/b/2", "l/a/1", "l/b/1", "lx/3", "m/4"]) await store.put(key, key);
      expect((await store.list("l/")).map((o) => o.key)).toEqual(["l/a/1", "l/b/1", "l/b/2"]);
      expect((await store.list("l/b")).map((o) => o.key)).toEqual(["l/b/1", "l/b/2"]);
      expect((await store.list("l")).map((o) => o.key)).toEqual(["l/a/1", "l/b/1", "l/b/2", "lx/3"]);
      expect(await store.list("nothing/")).toEqual([]);
    });

    it("deletes, and deleting a missing object is fine", async () => {
      await store.put("d/x", "x");
      await store.delete("d/x");
      expect(await store.head("d/x")).toBeUndefined();
      await store.delete("d/x");
    });

    it("uploads a large local file (multipart on S3) byte for byte", async () => {
      const file = path.join(scratch, "big.bin");
      const big = new Uint8Array(12 * 1024 * 1024);
      for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) % 256;
      await writeFile(file, big);
      const info = await store.putFile("big/file.bin", file);
      expect(info.size).toBe(big.length);
      const tail = await store.get("big/file.bin", { offset: big.length - 8192, length: 8192 });
      expect(tail).toEqual(big.slice(big.length - 8192));
      expect((await store.get("big/file.bin")).byteLength).toBe(big.length);
    });

    it("maps keys to URIs and back, and refuses foreign URIs", () => {
      const uri = store.uriOf("ns/t/data/f.parquet");
      expect(uri.startsWith(store.root + "/")).toBe(true);
      expect(store.keyOf(uri)).toBe("ns/t/data/f.parquet");
      expect(() => store.keyOf("s3://elsewhere/x")).toThrow(/not under/);
    });
  });
}
