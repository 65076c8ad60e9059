// Leftover staging folders of killed writes are removed by the next process; a live
// writer's folder and a recent one are left alone.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEFTOVER_AGE_MS, sweepStaging } from "./sweep-staging.js";

let dir: string;
let deadPid: number;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-sweep-"));
  const child = spawn(process.execPath, ["-e", ""]);
  await once(child, "exit");
  deadPid = child.pid!;
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

async function leftover(name: string, ageMs: number): Promise<void> {
  const at = path.join(dir, name);
  await mkdir(path.join(at, "__p0=v636"), { recursive: true });
  await writeFile(path.join(at, "__p0=v636", "data_0.parquet"), Buffer.alloc(2048));
  const when = new Date(Date.now() - ageMs);
  await utimes(at, when, when);
}

describe("sweepStaging", () => {
  it("removes old folders of writers that are gone, and only those", async () => {
    const old = LEFTOVER_AGE_MS + 60_000;
    await leftover(`lakeloop-write-${deadPid}-dead01`, old);
    await leftover("lakeloop-write-legacy", old);
    await leftover(`lakeloop-write-${process.pid}-live01`, old);
    await leftover(`lakeloop-write-${deadPid}-young1`, 1000);
    await leftover("someone-elses-folder", old);
    const removed = (await sweepStaging(dir)).map((p) => path.basename(p)).sort();
    expect(removed).toEqual([`lakeloop-write-${deadPid}-dead01`, "lakeloop-write-legacy"]);
    expect((await readdir(dir)).sort()).toEqual([`lakeloop-write-${deadPid}-young1`, `lakeloop-write-${process.pid}-live01`, "someone-elses-folder"].sort());
  });
});
