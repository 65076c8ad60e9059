// Re-plan latency through the session: a 20-node DAG (a scan and 20 TypeScript models,
// a chain with skip edges), then a no-op re-run (everything resident: plan, ask the
// worker, reuse) and a one-node edit (the leaf's code changes: plan, run one node).
// Each figure is end to end through the session and its local worker process: applying
// the cell, planning, asking the worker what it holds, running, the previews back.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Session } from "../engine/session.js";
import { bytes, count, median, ms, printTable, progress, ratio, timeIt } from "./util.js";
import { writeSampleLake } from "./sample-lake.js";
import type { RunReport } from "../engine/session.js";

const NODES = 20;

function dagCells(leafVariant: number): string[] {
  const cells = [`model("m0", { tx: Model("transactions", { columns: ["id", "usd", "country"], filter: "eventTime BETWEEN '2023-01-01' AND '2023-02-01'" }) }, ({ tx }) => tx);`];
  for (let i = 1; i < NODES; i++) {
    const inputs = [`a: Model("m${i - 1}")`, ...(i >= 3 && i % 3 === 0 ? [`b: Model("m${i - 3}")`] : [])].join(", ");
    const body = i === NODES - 1 ? `[{ rows: a.numRows, variant: ${leafVariant} }]` : "a";
    cells.push(`model("m${i}", { ${inputs} }, ({ a }) => ${body});`);
  }
  return cells;
}

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-replan-"));
  try {
    const { store, lakeBytes } = await writeSampleLake(dir, { rows: options.rows, months: 2 });
    progress(`sample: ${count(options.rows)} rows over 2 months, ${bytes(lakeBytes)}; a ${NODES}-model DAG over January`);
    const session = await Session.open({ lake: store.root, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache") }, redefine: "replace" });
    try {
      const cells = dagCells(0);
      for (const [i, cell] of cells.entries()) await session.applyCell(`c${i}`, cell);
      const ran = (report: RunReport) => report.nodes.filter((n) => n.action === "ran");
      const failed = (report: RunReport) => {
        const f = report.nodes.find((n) => n.action === "failed");
        if (f) throw new Error(`replan: ${f.name} failed: ${f.error}`);
        return report;
      };
      const first = await timeIt(async () => failed(await session.run()));
      const scan = first.value.nodes.find((n) => n.kind === "scan");
      const windowRows = scan?.rows ?? 0;
      progress(`first run: ${ran(first.value).length} nodes in ${ms(first.ms)} ms, the scan ${count(windowRows)} rows, ${bytes(scan?.read.objectStoreBytes ?? 0)} fetched`);
      const plan: number[] = [];
      const noop: number[] = [];
      const edit: number[] = [];
      let noopReport: RunReport | undefined;
      let editReport: RunReport | undefined;
      for (let r = 0; r < options.repeats; r++) {
        plan.push((await timeIt(() => session.plan())).ms);
        const n = await timeIt(async () => failed(await session.run()));
        noopReport = n.value;
        noop.push(n.ms);
        const e = await timeIt(async () => {
          await session.applyCell(`c${NODES - 1}`, dagCells(r + 1)[NODES - 1]!);
          return failed(await session.run());
        });
        editReport = e.value;
        edit.push(e.ms);
        progress(`repeat ${r + 1}/${options.repeats}: plan ${ms(plan.at(-1)!)} ms, no-op ${ms(n.ms)} ms, one-node edit ${ms(e.ms)} ms`);
      }
      const rowsRan = (report: RunReport) => count(ran(report).reduce((s, n) => s + (n.rows ?? 0), 0));
      const fetched = (report: RunReport) => bytes(report.nodes.reduce((s, n) => s + n.read.objectStoreBytes, 0));
      const title = `Re-plan latency: a ${NODES}-model DAG (a scan of ${count(windowRows)} rows x 3 columns from a ${count(options.rows)}-row table of ${bytes(lakeBytes)}, then ${NODES} TypeScript models, ` +
        `a chain with skip edges), end to end through the session and a local worker; median of ${options.repeats}; rows = rows output by the nodes that ran. ` +
        `Ratios in this run: the first run took ${ratio(first.ms, median(noop))} the time of a no-op re-run and ${ratio(first.ms, median(edit))} that of a one-node edit.`;
      return printTable(title, ["what", "nodes ran", "nodes reused", "rows", "bytes fetched", "ms"], [
        [`first run (scan + ${NODES} models)`, ran(first.value).length, 0, rowsRan(first.value), fetched(first.value), ms(first.ms)],
        ["plan only (build DAG, fingerprint, ask the worker)", 0, 0, "0", "0 B", ms(median(plan))],
        ["no-op re-run", 0, noopReport!.nodes.filter((x) => x.action === "reused").length, rowsRan(noopReport!), fetched(noopReport!), ms(median(noop))],
        ["one-node edit (the leaf's code)", ran(editReport!).length, editReport!.nodes.filter((x) => x.action === "reused").length, rowsRan(editReport!), fetched(editReport!), ms(median(edit))],
      ]);
    } finally {
      await session.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
