import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatCacheStatus } from "./describe-cache.js";
import { measureDiskCache } from "./disk-cache-usage.js";

const status = {
  memoryBytes: 480_000, memoryFragments: 3, memoryBound: 2 * 1024 ** 3,
  totals: {
    fragments: { memory: 5, disk: 2, fetched: 3 }, bytes: { memory: 800_000, disk: 40_000, objectStore: 196_148 },
    requests: 1, corruptions: 0, rowsDeleted: 0, rowsScanned: 20_000, rowsReturned: 2_581, ms: { total: 700.7915650000177, read: 29.75, decode: 20.81, filter: 17.29 },
  },
};

describe("the cache summary", () => {
  it("says what each tier holds, the hits by tier, and the time, in words and figures", () => {
    const text = formatCacheStatus(status, { dir: "/data/cache", usage: { fragments: 7, bytes: 1_234_567 } });
    expect(text).toBe([
      "the worker's column cache",
      "                   fragments       bytes",
      "  held in memory           3      480 KB  of 2.1 GB",
      "  held on disk             7      1.2 MB  /data/cache",
      "since the worker started:",
      "  hits in memory           5      800 KB",
      "  hits on disk             2       40 KB",
      "  fetched                  3      196 KB  object store requests: 1",
      "  rows scanned 20,000, kept by filters 2,581",
      "  time 701 ms: reading 30 ms, decoding 21 ms, filtering 17 ms",
    ].join("\n"));
    expect(formatCacheStatus({ ...status, totals: { ...status.totals, corruptions: 2 } }, undefined))
      .toMatch(/held on disk +- +- +on the remote worker, not measured from here\n[\s\S]*corrupt disk files discarded \(and fetched again\): 2$/);
  });

  it("measures a disk tier's folder: its chunk files only", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-disk-cache-"));
    try {
      expect(await measureDiskCache(path.join(dir, "missing"))).toBeUndefined();
      await mkdir(path.join(dir, "ab"));
      await mkdir(path.join(dir, "cd"));
      await writeFile(path.join(dir, "ab", "ab01.chunk"), Buffer.alloc(100));
      await writeFile(path.join(dir, "cd", "cd02.chunk"), Buffer.alloc(50));
      await writeFile(path.join(dir, "cd", "cd03.chunk.1a2b.tmp"), Buffer.alloc(999)); // a write in progress
      await writeFile(path.join(dir, "notes.txt"), "not a shard");
      expect(await measureDiskCache(dir)).toEqual({ fragments: 2, bytes: 150 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
