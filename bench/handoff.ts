// Handoff (the seed's Table 3): a child reading its parent's output. A parent table of
// N rows x 3 columns (in shared memory, as the worker keeps outputs) is handed to a
// child five ways:
//  - in the worker, to a running thread: what crosses is a description of the buffers
//    (columnar/share.ts); the thread rebuilds the table over the same memory and reads
//    it — the hand-off a model thread gets, without the thread's start-up;
//  - in the worker, a whole model run (worker/run-ts-model.ts) on a warm pooled thread
//    reading its input (the checksums that prove it was not written to included), next
//    to the same with no input (a warm thread's start-up as a model sees it) and to a
//    thread started cold;
//  - as an Arrow IPC stream piped to another, already running, process;
//  - as Parquet on local disk, read back by DuckDB into Arrow;
//  - as Parquet from S3 (s3rver on 127.0.0.1: a GET of the object, then DuckDB -> Arrow).
// Each figure is the time from "the parent's table is ready" to "the child holds the
// table as Arrow and has read from it".
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import { tableFromArrays, tableToIPC, type Table } from "apache-arrow";
import { arrowFromDuckDB } from "../columnar/arrow-from-duckdb.js";
import { loadArrowIntoDuckDB } from "../columnar/arrow-into-duckdb.js";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { describeTable, shareTable } from "../columnar/share.js";
import { openStore } from "../lake/store/open-store.js";
import { startS3rver } from "../testing/s3rver.js";
import { changedSince, lend } from "../columnar/buffer-checksums.js";
import { ModelThreads } from "../sandbox/model-threads.js";
import { modelThreads, runTsModel } from "../worker/run-ts-model.js";
import { bytes, count, median, ms, printTable, progress, ratio, timeIt } from "./util.js";

function parentTable(rows: number): Table {
  const id = new Float64Array(rows);
  const usd = new Float64Array(rows);
  const qty = new Int32Array(rows);
  for (let i = 0; i < rows; i++) { id[i] = i; usd[i] = (i * 7919) % 100_000 / 100; qty[i] = i % 17; }
  return shareTable(tableFromArrays({ id, usd, qty }));
}

/** The value every child reads back, to prove it holds the data: usd of the last row. */
const lastUsd = (rows: number) => ((rows - 1) * 7919) % 100_000 / 100;

/** A running thread that rebuilds each posted table description and reads from it. */
function startReaderThread(): Worker {
  const share = new URL("../columnar/share.js", import.meta.url).href;
  return new Worker(`
    const { parentPort } = require("node:worker_threads");
    import(${JSON.stringify(share)}).then(({ tableFromDescription }) => {
      parentPort.on("message", (description) => {
        const t = tableFromDescription(description);
        parentPort.postMessage({ rows: t.numRows, last: t.getChild("usd").get(t.numRows - 1) });
      });
      parentPort.postMessage("ready");
    });`, { eval: true });
}

/** Another process that reads length-prefixed Arrow IPC streams from stdin and answers each with its rows and last usd. */
function startIpcReader(): ChildProcess {
  return spawn(process.execPath, ["--input-type=module", "-e", `
    import { tableFromIPC } from "apache-arrow";
    let header = Buffer.alloc(0), body = null, filled = 0;
    process.stdin.on("data", (chunk) => {
      while (chunk.length > 0) {
        if (!body) {
          header = Buffer.concat([header, chunk]);
          if (header.length < 8) return;
          body = Buffer.allocUnsafe(Number(header.readBigUInt64LE(0)));
          chunk = header.subarray(8); header = Buffer.alloc(0); filled = 0;
          continue;
        }
        const n = Math.min(chunk.length, body.length - filled);
        chunk.copy(body, filled, 0, n); filled += n; chunk = chunk.subarray(n);
        if (filled === body.length) {
          const t = tableFromIPC(body);
          process.stdout.write(JSON.stringify({ rows: t.numRows, last: t.getChild("usd").get(t.numRows - 1) }) + "\\n");
          body = null;
        }
      }
    });
    process.stdout.write('"ready"\\n');`], { cwd: process.cwd(), stdio: ["pipe", "pipe", "inherit"] });
}

/** The next JSON line a child process writes. */
function nextLine(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = "";
    const onData = (d: Buffer) => {
      text += d.toString();
      const nl = text.indexOf("\n");
      if (nl < 0) return;
      child.stdout!.off("data", onData);
      child.off("exit", onExit);
      resolve(JSON.parse(text.slice(0, nl)));
    };
    const onExit = (code: number | null) => reject(new Error(`the IPC reader exited (code ${code})`));
    child.stdout!.on("data", onData);
    child.once("exit", onExit);
  });
}

export async function run(options: { rows: number; repeats: number }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-bench-handoff-"));
  const s3 = await startS3rver();
  const duck = await Duck.open();
  const thread = startReaderThread();
  let ipcReader: ChildProcess | undefined;
  try {
    const rows = options.rows;
    const parent = parentTable(rows);
    const arrowBytes = parent.batches.reduce((s, b) => s + b.data.children.reduce((t, c) => t + (c.values as { byteLength: number }).byteLength, 0), 0);
    progress(`parent: ${count(rows)} rows x 3 columns, ${bytes(arrowBytes)} of Arrow in shared memory`);
    const check = (what: string, got: { rows: number; last: number }) => {
      if (got.rows !== rows || got.last !== lastUsd(rows)) throw new Error(`${what}: the child read ${got.rows} rows, last usd ${got.last}`);
    };
    const results: (string | number)[][] = [];
    const add = (how: string, times: number[], moved: string, seed: string) => results.push([how, count(rows), ms(median(times)), moved, seed]);

    // 1. In the worker, to a running thread: post the description, rebuild, read.
    await new Promise((resolve) => thread.once("message", resolve));
    const post = async () => {
      const answer = new Promise<{ rows: number; last: number }>((resolve) => thread.once("message", resolve));
      thread.postMessage(describeTable(parent));
      return answer;
    };
    check("thread warm-up", await post());
    const handoff: number[] = [];
    for (let i = 0; i < options.repeats * 20; i++) {
      const r = await timeIt(post);
      check("thread hand-off", r.value);
      handoff.push(r.ms);
    }
    progress(`zero-copy to a running thread: ${ms(median(handoff))} ms (median of ${handoff.length})`);

    // 2. A whole model run on a warm pooled thread reading it (its input checksums
    // included), the same with no input (the thread's start-up as a model sees it), and a
    // thread started cold for comparison.
    const child = { name: "child", code: "export default ({ p }) => [{ rows: p.numRows, last: p.getChild('usd').get(p.numRows - 1) }];" };
    const empty = { name: "empty", code: "export default () => [{ rows: 0 }];" };
    const threads = modelThreads();
    await runTsModel(empty, {}); // the pool warm
    const zero: number[] = [];
    const baseline: number[] = [];
    const coldStart: number[] = [];
    for (let i = 0; i < options.repeats * 10; i++) baseline.push((await timeIt(() => runTsModel(empty, {}))).ms);
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(() => runTsModel(child, { p: parent }));
      check("model thread", { rows: Number(r.value.getChild("rows")!.get(0)), last: Number(r.value.getChild("last")!.get(0)) });
      zero.push(r.ms);
      const cold = new ModelThreads();
      coldStart.push((await timeIt(() => runTsModel(empty, {}, { threads: cold }))).ms);
      cold.close();
    }
    const started = threads.started;
    // What proving "the model did not write to its input" costs: every buffer summed again.
    const lent = await lend([parent]);
    const sums: number[] = [];
    for (let i = 0; i < options.repeats * 3; i++) sums.push((await timeIt(() => changedSince(lent))).ms);
    progress(`a warm model thread: ${ms(median(zero))} ms, with no input ${ms(median(baseline))} ms (pool started ${started} threads); a cold thread ${ms(median(coldStart))} ms`);

    // 3. Arrow IPC to another process that is already running.
    const spawned = await timeIt(async () => {
      ipcReader = startIpcReader();
      return nextLine(ipcReader);
    });
    const ipc: number[] = [];
    let ipcBytes = 0;
    const sendIpc = async () => {
      const body = tableToIPC(parent, "stream");
      ipcBytes = body.byteLength;
      const header = Buffer.alloc(8);
      header.writeBigUInt64LE(BigInt(body.byteLength));
      const answer = nextLine(ipcReader!);
      ipcReader!.stdin!.write(header);
      ipcReader!.stdin!.write(body);
      return answer as Promise<{ rows: number; last: number }>;
    };
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(sendIpc);
      check("Arrow IPC", r.value);
      ipc.push(r.ms);
    }
    progress(`Arrow IPC to a running process: ${ms(median(ipc))} ms for ${bytes(ipcBytes)}`);

    // 4. Parquet on local disk, and 5. the same file from S3.
    const file = path.join(dir, "parent.parquet");
    await loadArrowIntoDuckDB(duck, "parent", parent);
    await duck.run(`COPY parent TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`);
    const parquetBytes = (await stat(file)).size;
    const readParquet = async (f: string) => {
      const t = await arrowFromDuckDB(duck, `SELECT * FROM read_parquet(${quoteLiteral(f)})`);
      return { rows: t.numRows, last: Number(t.getChild("usd")!.get(t.numRows - 1)) };
    };
    const local: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(() => readParquet(file));
      check("local Parquet", r.value);
      local.push(r.ms);
    }
    progress(`Parquet on local disk: ${ms(median(local))} ms for ${bytes(parquetBytes)}`);

    const store = await openStore(s3.uri("handoff"), s3.env);
    await store.put("parent.parquet", await readFile(file));
    const remote: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      const r = await timeIt(async () => {
        const object = await store.get("parent.parquet");
        const copy = path.join("/dev/shm", `lakeloop-handoff-${process.pid}.parquet`);
        await writeFile(copy, object);
        try {
          return await readParquet(copy);
        } finally {
          await rm(copy, { force: true });
        }
      });
      check("Parquet from S3", r.value);
      remote.push(r.ms);
    }
    progress(`Parquet from S3 (s3rver): ${ms(median(remote))} ms for ${bytes(parquetBytes)}`);

    add("in-worker zero-copy: post to a running thread, rebuild over shared memory, read", handoff, `0 B copied (${bytes(arrowBytes)} shared)`, "Arrow IPC 0.01 s");
    add("in-worker zero-copy: a whole model run on a warm thread reading it (input checksums included)", zero, `0 B copied (${bytes(arrowBytes)} shared)`, "");
    results.push([`  (a warm thread's start-up: the same model with no input, median of ${baseline.length})`, "0", ms(median(baseline)), "0 B", ""]);
    results.push(["  (a thread started cold, for comparison)", "0", ms(median(coldStart)), "0 B", ""]);
    results.push([`  (the input checksums after a run: ${(arrowBytes / 1e6 / median(sums)).toFixed(1)} GB/s on the thread pool)`, count(rows), ms(median(sums)), `${bytes(arrowBytes)} read`, ""]);
    add("Arrow IPC to a running process (serialize, pipe, read)", ipc, bytes(ipcBytes), "Arrow Flight 0.96 s");
    results.push(["  (starting that process, once)", "-", ms(spawned.ms), "-", ""]);
    add("Parquet on local disk (DuckDB read_parquet -> Arrow)", local, bytes(parquetBytes), "Parquet SSD 0.92 s");
    add("Parquet from S3 (s3rver GET, DuckDB -> Arrow)", remote, bytes(parquetBytes), "Parquet S3 1.26 s");

    const title = `Handoff: a child reads a ${count(rows)}-row parent (id double, usd double, qty int; ${bytes(arrowBytes)} of Arrow, ${bytes(parquetBytes)} as zstd Parquet); ` +
      `median of ${options.repeats} (${handoff.length} for the thread hand-off). Ratios in this run: the zero-copy hand-off is ${ratio(median(ipc), median(handoff))} faster than Arrow IPC across processes, ` +
      `${ratio(median(local), median(handoff))} faster than local Parquet and ${ratio(median(remote), median(handoff))} faster than Parquet from S3; ` +
      `a model's thread start-up on a warm thread is ${ms(median(baseline))} ms against ${ms(median(coldStart))} ms cold (${ratio(median(coldStart), median(baseline))}).`;
    return printTable(title, ["handoff", "rows", "ms", "bytes moved", "seed (10M rows, c5.9xlarge)"], results);
  } finally {
    await thread.terminate();
    if (ipcReader) {
      ipcReader.stdin!.end();
      if (ipcReader.exitCode === null) await new Promise((resolve) => ipcReader!.once("exit", resolve));
    }
    duck.close();
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
