// Package add (the seed's Table 2): the first use of a new npm package in a model, then
// the same again with the environment cached, then one more package added to the set —
// through the sandbox's store (real npm registry), each package fetched listed with its
// bytes and time; the cost of a model thread inside its environment (the import fence)
// against one without packages; and end to end through a session where a model imports
// the package. Contract with bench/run.ts: `run(repeats)` returns one markdown table.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Session } from "../engine/session.js";
import { Environments, type InstallEvent } from "../sandbox/environments.js";
import { placeModel } from "../sandbox/model-module.js";
import { runTsModel } from "../worker/run-ts-model.js";
import type { NodeEvent } from "../protocol/messages.js";
import { bytes, median, ms, printTable, progress, timeIt } from "./util.js";

const FIRST = { "simple-statistics": "7.8.3" };
const GROWN = { "simple-statistics": "7.8.3", "d3-array": "3.2.4" };
const THREAD_RUNS = 9;

const modelCell = (variant: number) => `model("stats", {}, async () => {
  const { mean } = await import("simple-statistics");
  return [{ mean: mean([1, 2, 3, ${variant}]) }];
}, { runtime: { npm: ${JSON.stringify(FIRST)} } });`;

const STATS_MODEL = `export default async () => { const { mean } = await import("simple-statistics"); return [{ mean: mean([1, 2, 3]) }]; };`;
const PLAIN_MODEL = `export default async () => [{ mean: 2 }];`;

/** Median ms of one model thread: the same trivial model without packages, then inside
 * FIRST's environment (the import fence's hooks are the difference), then importing the package. */
async function threadCosts(envs: Environments): Promise<{ plain: number; fenced: number; importing: number }> {
  const prepared = await envs.prepare(FIRST);
  const inside = await placeModel(prepared, PLAIN_MODEL);
  const importing = await placeModel(prepared, STATS_MODEL);
  const times = { plain: [] as number[], fenced: [] as number[], importing: [] as number[] };
  for (let i = 0; i < THREAD_RUNS; i++) {
    times.plain.push((await timeIt(() => runTsModel({ name: "plain", code: PLAIN_MODEL }, {}))).ms);
    times.fenced.push((await timeIt(() => runTsModel({ name: "plain", code: PLAIN_MODEL }, {}, { environment: inside }))).ms);
    times.importing.push((await timeIt(() => runTsModel({ name: "stats", code: STATS_MODEL }, {}, { environment: importing }))).ms);
  }
  return { plain: median(times.plain), fenced: median(times.fenced), importing: median(times.importing) };
}

export async function run(repeats = 1): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-packages-"));
  try {
    // Each repeat uses a new, empty store: the first use is really first.
    const first: number[] = [], again: number[] = [], grown: number[] = [], modelFirst: number[] = [], modelCached: number[] = [];
    let fetched: InstallEvent[] = [], grownFetched: InstallEvent[] = [];
    let threads = { plain: NaN, fenced: NaN, importing: NaN };
    for (let r = 0; r < repeats; r++) {
      const envs = new Environments(path.join(dir, `store-direct-${r}`));
      const f = await timeIt(() => envs.prepare(FIRST));
      first.push(f.ms);
      fetched = f.value.installs.filter((i) => !i.cached);
      const a = await timeIt(() => envs.prepare(FIRST));
      if (!a.value.reused || a.value.installs.length) throw new Error("the same set again installed something; it must reuse the environment");
      again.push(a.ms);
      const g = await timeIt(() => envs.prepare(GROWN));
      grown.push(g.ms);
      grownFetched = g.value.installs.filter((i) => !i.cached);
      if (grownFetched.some((i) => i.package === "simple-statistics")) throw new Error("adding a package refetched simple-statistics");
      progress(`environment: first use ${ms(f.ms)} ms, again ${ms(a.ms)} ms, one package added ${ms(g.ms)} ms`);
      if (r === 0) threads = await threadCosts(envs);

      // End to end: a model that imports the package, first run and then a code edit.
      const session = await Session.open({ lake: `file://${dir}/lake`, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, `cache-${r}`), LAKELOOP_PACKAGES: path.join(dir, `store-session-${r}`) } });
      const events: NodeEvent[] = [];
      try {
        modelFirst.push((await timeIt(() => session.runCell("c", modelCell(4), (e) => events.push(e)))).ms);
        const installed = events.filter((e) => e.type === "install").length;
        events.length = 0;
        modelCached.push((await timeIt(() => session.runCell("c", modelCell(5), (e) => events.push(e)))).ms);
        if (installed === 0 || events.some((e) => e.type === "install")) throw new Error("expected one install, then none");
      } finally {
        await session.close();
      }
      progress(`model run: first use ${ms(modelFirst.at(-1)!)} ms, after an edit ${ms(modelCached.at(-1)!)} ms`);
    }
    const sum = (xs: { bytes: number }[]) => bytes(xs.reduce((s, x) => s + x.bytes, 0));
    const each = (label: string, xs: InstallEvent[]) => xs.map((i) => [`  ${label}: ${i.package}@${i.version} (fetch, check, unpack)`, 1, bytes(i.bytes), ms(i.ms)]);
    return printTable(`Package add: simple-statistics@7.8.3 from the npm registry, then d3-array@3.2.4 added (the seed: Bauplan 5 s / 0 s cached, AWS Lambda 130 s, Snowpark 35 s); median of ${repeats}, each from an empty store, ${sum(fetched)} fetched on first use; rows: none`,
      ["what", "packages fetched", "bytes fetched", "ms"], [
        ["environment, first use (resolve, fetch, unpack, link)", fetched.length, sum(fetched), ms(median(first))],
        ...each("first use", fetched),
        ["environment, same set again (cached: no install)", 0, "0 B", ms(median(again))],
        ["environment, one package added (d3-array)", grownFetched.length, sum(grownFetched), ms(median(grown))],
        ...each("added", grownFetched),
        [`model thread, no packages (median of ${THREAD_RUNS})`, 0, "0 B", ms(threads.plain)],
        [`model thread, same model in an environment (import fence on)`, 0, "0 B", ms(threads.fenced)],
        [`model thread, in its environment importing simple-statistics`, 0, "0 B", ms(threads.importing)],
        ["model run, first use (install + thread + model)", fetched.length, sum(fetched), ms(median(modelFirst))],
        ["model run after an edit (environment cached)", 0, "0 B", ms(median(modelCached))],
      ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
