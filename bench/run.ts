// `npm run bench`: every benchmark, with medians, rows, bytes and the ratios measured in
// the same run, written to bench/RESULTS.md together with the machine it ran on.
//   npm run bench                      all benches at full size; rewrites RESULTS.md's sections
//   npm run bench -- --only scan       one bench at full size; refreshes only its section
//   npm run bench -- --quick           the small smoke run CI executes; never touches RESULTS.md
//   npm run bench -- --out file.md     also writes this run's results (only) to file.md
// A bench that fails is reported, leaves its RESULTS.md section as it was, and makes the
// run exit with status 1 after the others have run.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { run as handoff } from "./handoff.js";
import { run as iterationTrace } from "./iteration-trace.js";
import { run as kernelRoundTrip } from "./kernel-roundtrip.js";
import { run as replan } from "./replan.js";
import { run as scan } from "./scan.js";
import { run as sqlNodes } from "./sql-nodes.js";
import { run as year } from "./year.js";

const USAGE = `usage: node dist/bench/run.js [--quick] [--only NAME] [--out FILE]
  --quick      small sizes, one repeat: the smoke run (under a minute); RESULTS.md is left alone
  --only NAME  run one bench; at full size its section of bench/RESULTS.md is refreshed
  --out FILE   write this run's results as markdown to FILE as well`;

const { values } = parseArgs({ options: { quick: { type: "boolean" }, only: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } } });
const quick = values.quick ?? false;
const size = (small: number, full: number) => (quick ? small : full);

// ─── SLOT: package add (issue #9, item 3; the seed's Table 2) ─────────────────────────
// bench/package-add.ts (first use of an npm package in a model, then cached, through the
// sandbox's package store) is written separately. It is loaded here only if its compiled
// file exists, so this run works with or without it. Its contract:
//   export async function run(repeats: number): Promise<string>
// returning the markdown table (util.ts printTable: "### title" and the rows).
const PACKAGE_ADD_NOT_AVAILABLE = "### Package add: not available (bench/package-add.ts is not in this checkout yet)\n";
async function packageAdd(repeats: number): Promise<string> {
  const file = new URL("./package-add.js", import.meta.url);
  if (!existsSync(file)) {
    process.stdout.write("  · not available: bench/package-add.ts is not in this checkout\n");
    return PACKAGE_ADD_NOT_AVAILABLE;
  }
  const mod = (await import(file.href)) as { run?: (repeats: number) => Promise<string> };
  if (typeof mod.run !== "function") throw new Error("bench/package-add.ts does not export run(repeats)");
  return mod.run(repeats);
}
// ─── end of the package-add slot ───────────────────────────────────────────────────────

/** Each bench: what it measures (method, not results) and how to run it at this size. */
const BENCHES: Record<string, { about: string; run: () => Promise<string> }> = {
  handoff: {
    about: "A child reading its parent's output (the seed's Table 3): in the worker, zero-copy to a running thread (columnar/share.ts: the buffers' description crosses, the memory is shared) and a whole model thread (worker/run-ts-model.ts); an Arrow IPC stream piped to another running process; Parquet on local disk; Parquet from S3 (s3rver on 127.0.0.1). Each child checks the row count and the last value. The seed's figures are for 10M rows on a c5.9xlarge.",
    run: () => handoff({ rows: size(200_000, 10_000_000), repeats: size(1, 5) }),
  },
  "iteration-trace": {
    about: "A scripted session on `transactions`, a first run and 11 edits (widen and narrow the time window, add and drop columns, change the filter, edit the downstream SQL) through the session and a local worker: with the differential cache, with it off (LAKELOOP_CACHE_OFF=1; outputs resident by fingerprint are still reused), and DuckDB re-running the equivalent SQL over the same Parquet files each step; ideal = the distinct column chunks the trace needs, counted the first time they are needed (lakeloop's ranged reads coalesce chunks less than 64 KB apart, so a step can read a little more than the ideal). Every step's groups and row counts are checked equal across the three.",
    run: () => iterationTrace({ rows: size(100_000, 5_000_000), repeats: size(1, 3) }),
  },
  "package-add": {
    about: "The first use of an npm package in a model and the cached reuse (the seed's Table 2), through the sandbox's package store.",
    run: () => packageAdd(size(1, 3)),
  },
  replan: {
    about: "Re-plan latency: planning and running a 20-model DAG end to end through the session: a no-op re-run and a one-node edit.",
    run: () => replan({ rows: size(20_000, 1_000_000), repeats: size(1, 5) }),
  },
  "sql-nodes": {
    about: "SQL nodes: moving Arrow into and out of DuckDB (bulk column copies, columnar/arrow-into-duckdb.ts and arrow-from-duckdb.ts) against the query itself.",
    run: () => sqlNodes({ rows: size(200_000, 10_000_000), repeats: size(1, 3) }),
  },
  "kernel-roundtrip": {
    about: "A trivial cell through the Jupyter kernel (`lakeloop kernel` as a process, the protocol spoken over zeromq with signed messages), execute_request to idle.",
    run: () => kernelRoundTrip({ executes: size(20, 500) }),
  },
  year: {
    about: "A year of data: a year-long SQL aggregate and a TypeScript model over one scan, cold and after a SQL edit, against DuckDB over the same files; the worker's peak memory.",
    run: () => year({ rows: size(200_000, 20_000_000), repeats: size(1, 3) }),
  },
  scan: {
    about: "Scans through the differential cache (cache/column-cache.ts, cache/scan-table.ts), cold and warm, against DuckDB's read_parquet of the same files and columns.",
    run: () => scan({ rows: size(100_000, 5_000_000), repeats: size(1, 5) }),
  },
};

if (values.help) {
  process.stdout.write(`${USAGE}\nbenches: ${Object.keys(BENCHES).join(", ")}\n`);
  process.exit(0);
}
if (values.only && !BENCHES[values.only]) {
  process.stderr.write(`no bench "${values.only}"; benches: ${Object.keys(BENCHES).join(", ")}\n`);
  process.exit(2);
}

const machine = `${os.cpus().length} x ${os.cpus()[0]?.model?.trim() ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
const today = new Date().toISOString().slice(0, 10);
process.stdout.write(`machine: ${machine}${quick ? " (quick run)" : ""}\n\n`);
const selected = Object.entries(BENCHES).filter(([name]) => !values.only || values.only === name);
const sections = new Map<string, string>();
const failures: string[] = [];
const started = Date.now();
for (const [i, [name, bench]] of selected.entries()) {
  process.stdout.write(`== [${i + 1}/${selected.length}] ${name} ==\n`);
  const t0 = Date.now();
  const loadAtStart = os.loadavg()[0]!;
  try {
    const table = await bench.run();
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    const load = `1-minute load average ${loadAtStart.toFixed(2)} at the start`;
    process.stdout.write(`(${name}: ${seconds} s)\n\n`);
    sections.set(name, `## ${name}\n\n${bench.about}\n\nMeasured ${today}${quick ? " (quick run)" : ""} in ${seconds} s on ${machine}; ${load}.\n\n${table.replace(/^### /, "").trimEnd()}\n`);
  } catch (err) {
    const message = err instanceof Error ? err.stack ?? err.message : String(err);
    process.stdout.write(`(${name}: FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s)\n\n`);
    process.stderr.write(`bench ${name} failed: ${message}\n`);
    failures.push(name);
    sections.set(name, `## ${name}\n\n${bench.about}\n\nFAILED ${today}: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}\n`);
  }
}
const elapsed = Date.now() - started;
const minutes = elapsed < 60_000 ? `${(elapsed / 1000).toFixed(0)} s` : `${(elapsed / 60_000).toFixed(1)} min`;

const DECODER = [
  "## Decoder choice (issue 3)",
  "",
  "Measured for 5M rows x 4 columns of local Parquet: hyparquet about 10 s, parquet-wasm about 0.9 s, DuckDB native about 0.1 s.",
  "lakeloop decodes fetched column chunks with DuckDB: each decode rebuilds a small Parquet file holding exactly the fetched chunks of one",
  "row group (footer rewritten by a Thrift compact codec, `cache/decode/`), because DuckDB does not skip unfetched row groups of a sparse",
  "replica. The scan table above shows the remaining cost: converting DuckDB's vectors to Arrow (strings value by value).",
  "",
].join("\n");

const preamble = (note: string) => [
  "# Benchmark results",
  "",
  `Written by \`npm run bench\` (\`node dist/bench/run.js\`; \`-- --only NAME\` refreshes one section). ${note}`,
  "The lake is `file://` on local disk unless a row says S3 (s3rver on 127.0.0.1). Every figure states rows and bytes; times are wall-clock",
  "milliseconds, medians where a table says so; each ratio is between figures of the same run. Each section says when and where it was measured.",
  "",
].join("\n");

/** The `## name` sections of a results document, in order (the preamble left out). */
function splitSections(text: string): [string, string][] {
  return text.split(/^(?=## )/m).filter((s) => s.startsWith("## ")).map((s) => [s.slice(3, s.indexOf("\n")).trim(), `${s.trimEnd()}\n`]);
}

const ran = (name: string) => sections.has(name) && !failures.includes(name);
if (values.out) {
  const doc = [preamble(`This run: ${today}, ${minutes}${quick ? ", quick run (small sizes)" : ""}, on ${machine}.`), ...sections.values(), ...(values.only ? [] : [DECODER])].join("\n");
  await writeFile(values.out, doc);
  process.stdout.write(`wrote ${values.out}\n`);
}
if (!quick) {
  // Refresh the sections that ran (and passed); keep every other section as it was.
  const results = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bench", "RESULTS.md");
  const previous = new Map(splitSections(existsSync(results) ? await readFile(results, "utf8") : ""));
  const body: string[] = [];
  for (const name of Object.keys(BENCHES)) {
    const section = ran(name) ? sections.get(name) : previous.get(name);
    if (section) body.push(section);
  }
  for (const [name, section] of previous) if (!BENCHES[name]) body.push(section);
  if (!previous.has("Decoder choice (issue 3)")) body.push(DECODER);
  const refreshed = [...sections.keys()].filter(ran);
  await writeFile(results, [preamble(`Last refreshed ${today} (${refreshed.join(", ") || "nothing"}; ${minutes}).`), ...body].join("\n"));
  process.stdout.write(`refreshed ${refreshed.length} section(s) of ${results}\n`);
}
if (failures.length > 0) {
  process.stderr.write(`failed: ${failures.join(", ")}\n`);
  process.exitCode = 1;
}
