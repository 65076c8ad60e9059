// Handoff (the seed's Table 3): a child reading its parent's output. A parent table of
// N rows x 3 columns is handed to a child four ways: in the worker, zero-copy to a model
// thread (shared memory, only the schema serialized); as Arrow IPC to another process;
// as Parquet on local disk; as Parquet from S3 (s3rver on 127.0.0.1). Each figure is
// the child's time from "start reading" to "holds the table as Arrow".
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { tableFromArrays, tableToIPC, type Table } from "apache-arrow";
import { arrowFromDuckDB } from "../columnar/arrow-from-duckdb.js";
import { loadArrowIntoDuckDB } from "../columnar/arrow-into-duckdb.js";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { describeTable, shareTable, tableFromDescription } from "../columnar/share.js";
import { openStore } from "../lake/store/open-store.js";
import { startS3rver } from "../lake/store/testing/s3rver.js";
import { runTsModel } from "../worker/run-ts-model.js";
import { mb, median, printTable, timeIt } from "./util.js";

function parentTable(rows: number): Table {
  const id = new Float64Array(rows);
  const usd = new Float64Array(rows);
  const qty = new Int32Array(rows);
  for (let i = 0; i < rows; i++) { id[i] = i; usd[i] = (i * 7919) % 100_000 / 100; qty[i] = i % 17; }
  return shareTable(tableFromArrays({ id, usd, qty }));
}

/** A child process that reads Arrow IPC from stdin and says how many rows it got. */
async function ipcToProcess(bytes: Uint8Array): Promise<number> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", `
    import { tableFromIPC } from "apache-arrow";
    const chunks = []; for await (const c of process.stdin) chunks.push(c);
    process.stdout.write(String(tableFromIPC(Buffer.concat(chunks)).numRows));`], { cwd: process.cwd(), stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  child.stdin.end(bytes);
  await new Promise((resolve, reject) => { child.on("exit", resolve); child.on("error", reject); });
  return Number(out);
}

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-handoff-"));
  const s3 = await startS3rver();
  const duck = await Duck.open();
  try {
    const parent = parentTable(options.rows);
    const arrowBytes = parent.batches.reduce((s, b) => s + b.data.children.reduce((t, c) => t + (c.values as { byteLength: number }).byteLength, 0), 0);
    process.stdout.write(`handoff: parent ${options.rows.toLocaleString("en-US")} rows x 3 columns, ${mb(arrowBytes)} of Arrow\n`);
    const results: (string | number)[][] = [];
    const add = (how: string, ms: number[], bytes: string, seed: string) => results.push([how, options.rows.toLocaleString("en-US"), median(ms).toFixed(1), bytes, seed]);

    // 1. In the worker: a model thread reads the parent's shared memory.
    const child = { name: "child", code: "export default ({ p }) => [{ n: p.numRows, first: p.getChild('usd').get(1) }];" };
    const empty = { name: "empty", code: "export default () => [{ n: 0 }];" };
    const zero: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      baseline.push((await timeIt(() => runTsModel(empty, {}))).ms);
      const r = await timeIt(() => runTsModel(child, { p: parent }));
      if (Number(r.value.getChild("n")!.get(0)) !== options.rows) throw new Error("the child did not see every row");
      zero.push(r.ms);
    }
    // The hand-off itself: what crosses to the thread is a description of the buffers;
    // the child rebuilds its table over the same memory.
    const handoff: number[] = [];
    for (let i = 0; i < options.repeats * 20; i++) {
      const t0 = performance.now();
      const rebuilt = tableFromDescription(structuredClone(describeTable(parent), { transfer: [] }));
      if (rebuilt.numRows !== options.rows) throw new Error("bad rebuild");
      handoff.push(performance.now() - t0);
    }
    add("in-worker zero-copy: the hand-off (describe, post, rebuild over shared memory)", handoff, "0 B copied", "Arrow IPC 0.01 s");
    add("in-worker zero-copy: a whole model thread reading it", zero, "0 B copied", "");
    results.push(["  (a model thread with no input, for comparison)", "-", median(baseline).toFixed(1), "-", ""]);

    // 2. Arrow IPC across processes.
    const ipc: number[] = [];
    let ipcBytes = 0;
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(async () => {
        const bytes = tableToIPC(parent, "stream");
        ipcBytes = bytes.byteLength;
        return ipcToProcess(bytes);
      });
      if (r.value !== options.rows) throw new Error(`the IPC child read ${r.value} rows`);
      ipc.push(r.ms);
    }
    add("Arrow IPC to another process (serialize, pipe, read)", ipc, mb(ipcBytes), "Arrow Flight 0.96 s");

    // 3. Parquet on local disk, and 4. the same file from S3.
    const file = path.join(dir, "parent.parquet");
    await loadArrowIntoDuckDB(duck, "parent", parent);
    await duck.run(`COPY parent TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`);
    const parquetBytes = (await stat(file)).size;
    const local: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(() => arrowFromDuckDB(duck, `SELECT * FROM read_parquet(${quoteLiteral(file)})`));
      if (r.value.numRows !== options.rows) throw new Error("short read");
      local.push(r.ms);
    }
    add("Parquet on local disk (DuckDB read_parquet -> Arrow)", local, mb(parquetBytes), "Parquet SSD 0.92 s");

    const store = await openStore(s3.uri("handoff"), s3.env);
    await store.put("parent.parquet", await readFile(file));
    const remote: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(async () => {
        const bytes = await store.get("parent.parquet");
        const copy = path.join("/dev/shm", `lakeloop-handoff-${process.pid}.parquet`);
        await writeFile(copy, bytes);
        try {
          return await arrowFromDuckDB(duck, `SELECT * FROM read_parquet(${quoteLiteral(copy)})`);
        } finally {
          await rm(copy, { force: true });
        }
      });
      if (r.value.numRows !== options.rows) throw new Error("short read");
      remote.push(r.ms);
    }
    add("Parquet from S3 (s3rver GET, DuckDB -> Arrow)", remote, mb(parquetBytes), "Parquet S3 1.26 s");

    const ratio = (median(local) / median(handoff)).toFixed(0);
    return printTable(`Handoff: a child reads a ${options.rows.toLocaleString("en-US")}-row parent (id double, usd double, qty int; ${mb(arrowBytes)} of Arrow); median of ${options.repeats}. The zero-copy hand-off is ${ratio}x faster than reading local Parquet in this run; a model thread's start-up (the same with or without input) dominates a whole zero-copy read.`,
      ["handoff", "rows", "ms", "bytes moved", "seed (10M rows, c5.9xlarge)"], results);
  } finally {
    duck.close();
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
