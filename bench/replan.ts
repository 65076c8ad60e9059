// Re-plan latency through the session: a 20-node DAG (a scan and 20 TypeScript models,
// a chain with skip edges), then a no-op re-run (everything resident: plan, ask the
// worker, reuse) and a one-node edit (the leaf's code changes: plan, run one node).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Session } from "../engine/session.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { writeSample } from "../lake/ingest/sample.js";
import { FileStore } from "../lake/store/file-store.js";
import { median, printTable, timeIt } from "./util.js";

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
    const store = await FileStore.open(path.join(dir, "lake"));
    await writeSample(await Catalog.open(store), { rows: options.rows, months: 2 });
    const session = await Session.open({ lake: store.root, env: { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache") }, redefine: "replace" });
    try {
      const cells = dagCells(0);
      for (const [i, cell] of cells.entries()) await session.applyCell(`c${i}`, cell);
      const first = await timeIt(() => session.run());
      const ranFirst = first.value.nodes.filter((n) => n.action === "ran").length;
      const plan: number[] = [];
      const noop: number[] = [];
      const edit: number[] = [];
      let reused = 0;
      let ranAfterEdit = 0;
      for (let r = 0; r < options.repeats; r++) {
        plan.push((await timeIt(() => session.plan())).ms);
        const n = await timeIt(() => session.run());
        reused = n.value.nodes.filter((x) => x.action === "reused").length;
        noop.push(n.ms);
        const e = await timeIt(async () => {
          await session.applyCell(`c${NODES - 1}`, dagCells(r + 1)[NODES - 1]!);
          return session.run();
        });
        ranAfterEdit = e.value.nodes.filter((x) => x.action === "ran").length;
        edit.push(e.ms);
      }
      return printTable(`Re-plan latency: a ${NODES}-model DAG over a ${options.rows.toLocaleString("en-US")}-row table, end to end through the session and a local worker; median of ${options.repeats}`,
        ["what", "nodes ran", "ms"], [
          [`first run (scan + ${NODES} models)`, ranFirst, first.ms.toFixed(0)],
          ["plan only (build DAG, fingerprint, ask the worker)", 0, median(plan).toFixed(1)],
          [`no-op re-run (${reused} reused)`, 0, median(noop).toFixed(1)],
          ["one-node edit (the leaf's code)", ranAfterEdit, median(edit).toFixed(1)],
        ]);
    } finally {
      await session.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
