// `npm run bench [-- --quick] [-- --only scan]`: runs the benchmarks and prints their
// tables (markdown) for bench/RESULTS.md. --quick is the small smoke run CI executes.
import { parseArgs } from "node:util";
import * as os from "node:os";
import { run as runScan } from "./scan.js";

const { values } = parseArgs({ options: { quick: { type: "boolean" }, only: { type: "string" } } });
const quick = values.quick ?? false;
const benches: Record<string, () => Promise<string>> = {
  scan: () => runScan({ rows: quick ? 100_000 : 5_000_000, repeats: quick ? 1 : 5 }),
};

process.stdout.write(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${quick ? " (quick run)" : ""}\n\n`);
for (const [name, bench] of Object.entries(benches)) {
  if (values.only && values.only !== name) continue;
  await bench();
}
