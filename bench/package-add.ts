// Package add (the seed's Table 2): the first use of a new npm package in a model, then
// the same again with the environment cached, then one more package added to the set —
// through the sandbox's store (real npm registry), and end to end through a session
// where a model imports the package.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Session } from "../engine/session.js";
import { Environments } from "../sandbox/environments.js";
import { bytes, median, printTable, timeIt } from "./util.js";
import type { NodeEvent } from "../worker/protocol.js";

const FIRST = { "simple-statistics": "7.8.3" };
const GROWN = { "simple-statistics": "7.8.3", "d3-array": "3.2.4" };

const modelCell = (variant: number) => `model("stats", {}, async () => {
  const { mean } = await import("simple-statistics");
  return [{ mean: mean([1, 2, 3, ${variant}]) }];
}, { runtime: { npm: ${JSON.stringify(FIRST)} } });`;

export async function run(repeats = 1): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-packages-"));
  try {
    // Each repeat uses a new, empty store: the first use is really first.
    const first: number[] = [], again: number[] = [], grown: number[] = [], modelFirst: number[] = [], modelCached: number[] = [];
    let fetched: { bytes: number }[] = [], grownFetched: { bytes: number }[] = [];
    for (let r = 0; r < repeats; r++) {
      const envs = new Environments(path.join(dir, `store-direct-${r}`));
      const f = await timeIt(() => envs.prepare(FIRST));
      first.push(f.ms);
      fetched = f.value.installs.filter((i) => !i.cached);
      again.push((await timeIt(() => envs.prepare(FIRST))).ms);
      const g = await timeIt(() => envs.prepare(GROWN));
      grown.push(g.ms);
      grownFetched = g.value.installs.filter((i) => !i.cached);

      // End to end: a model that imports the package, first run and then a code edit.
      const session = await Session.open({ lake: `file://${dir}/lake`, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, `cache-${r}`), LAKELOOP_PACKAGES: path.join(dir, `store-session-${r}`) } });
      const installs: NodeEvent[] = [];
      try {
        modelFirst.push((await timeIt(() => session.runCell("c", modelCell(4), (e) => installs.push(e)))).ms);
        const installed = installs.filter((e) => e.type === "install").length;
        installs.length = 0;
        modelCached.push((await timeIt(() => session.runCell("c", modelCell(5), (e) => installs.push(e)))).ms);
        if (installed === 0 || installs.some((e) => e.type === "install")) throw new Error("expected one install, then none");
      } finally {
        await session.close();
      }
    }
    const sum = (xs: { bytes: number }[]) => bytes(xs.reduce((s, x) => s + x.bytes, 0));
    return printTable(`Package add: simple-statistics@7.8.3 from the npm registry (the seed: Bauplan 5 s / 0 s cached, AWS Lambda 130 s, Snowpark 35 s); median of ${repeats}, each from an empty store; rows: none`,
      ["what", "packages fetched", "bytes fetched", "ms"], [
        ["environment, first use (resolve, fetch, unpack, link)", fetched.length, sum(fetched), median(first).toFixed(0)],
        ["environment, same set again (cached)", 0, "0 B", median(again).toFixed(1)],
        ["environment, one package added (d3-array)", grownFetched.length, sum(grownFetched), median(grown).toFixed(0)],
        ["model run, first use (install + thread + model)", fetched.length, sum(fetched), median(modelFirst).toFixed(0)],
        ["model run after an edit (environment cached)", 0, "0 B", median(modelCached).toFixed(0)],
      ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
