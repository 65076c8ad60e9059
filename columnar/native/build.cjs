// Builds the optional native DuckDB bridge with node-gyp, run by `npm install`. It never
// fails the install: where there is no compiler (or LAKELOOP_NATIVE=0) lakeloop runs on
// its JavaScript path, and says so in `lakeloop worker --status` and `%worker`.
const { spawnSync } = require("node:child_process");
const { existsSync, mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const here = __dirname;
const log = path.join(here, "build", "build.log");
const say = (line) => process.stdout.write(`lakeloop: ${line}\n`);

if (process.env.LAKELOOP_NATIVE === "0") {
  say("native DuckDB bridge not built (LAKELOOP_NATIVE=0); SQL nodes use the JavaScript path");
  process.exit(0);
}
const npmGyp = path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js");
const gyp = process.env.npm_config_node_gyp || (existsSync(npmGyp) ? npmGyp : null);
if (!gyp) {
  say("node-gyp not found; SQL nodes use the JavaScript path");
  process.exit(0);
}
const args = [gyp, "rebuild"];
if (process.env.npm_config_nodedir) args.push(`--nodedir=${process.env.npm_config_nodedir}`);
const started = Date.now();
const run = spawnSync(process.execPath, args, { cwd: here, encoding: "utf8", timeout: 10 * 60_000 });
mkdirSync(path.dirname(log), { recursive: true });
writeFileSync(log, `${run.stdout ?? ""}\n${run.stderr ?? ""}\n${run.error ? String(run.error) : ""}`);
if (run.status === 0) say(`built the native DuckDB bridge in ${((Date.now() - started) / 1000).toFixed(1)} s (SQL reads Arrow in place)`);
else say(`could not build the native DuckDB bridge (see ${path.relative(process.cwd(), log)}); SQL nodes use the JavaScript path`);
