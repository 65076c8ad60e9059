// What the disk tier's folder holds, measured from the folder: its chunk files only.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { measureDiskUsage } from "./disk-usage.js";

describe("the disk tier's usage", () => {
  it("measures a disk tier's folder: its chunk files only", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-disk-cache-"));
    try {
      expect(await measureDiskUsage(path.join(dir, "missing"))).toBeUndefined();
      await mkdir(path.join(dir, "ab"));
      await mkdir(path.join(dir, "cd"));
      await writeFile(path.join(dir, "ab", "ab01.chunk"), Buffer.alloc(100));
      await writeFile(path.join(dir, "cd", "cd02.chunk"), Buffer.alloc(50));
      await writeFile(path.join(dir, "cd", "cd03.chunk.1a2b.tmp"), Buffer.alloc(999)); // a write in progress
      await writeFile(path.join(dir, "notes.txt"), "not a shard");
      expect(await measureDiskUsage(dir)).toEqual({ fragments: 2, bytes: 150 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
