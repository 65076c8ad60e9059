// The real CLI in a terminal (tmux), through the seed scenario: define euro_selection
// over a one-month window, define usd_by_country, run; widen the window to two months
// and run: the screen shows the scan re-ran fetching only the new month, with January
// from the cache. Also the REPL on piped input, as a script.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lakeloop.js");
const tmux = (...args: string[]) => run("tmux", ["-L", socket, ...args]);
let socket: string;
let dir: string;
let env: NodeJS.ProcessEnv;

const euroCell = (to: string) => `model("euro_selection", { tx: Model("transactions", { columns: ["id", "usd", "country"], filter: "eventTime BETWEEN '2023-01-01' AND '${to}'" }) }, ({ tx }) => tx)`;

async function screen(): Promise<string> {
  return (await tmux("capture-pane", "-p", "-J", "-S", "-500", "-t", "repl")).stdout;
}

/** Polls the screen until `pattern` shows (the deadline is a failure, not a timing claim). */
async function waitFor(pattern: RegExp, count = 1, deadlineMs = 60_000): Promise<string> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const text = await screen();
    if ((text.match(new RegExp(pattern.source, "g")) ?? []).length >= count) return text;
    if (Date.now() > until) throw new Error(`the screen never showed ${pattern} (${count}x):\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function type(line: string): Promise<void> {
  await tmux("send-keys", "-t", "repl", "-l", line);
  await tmux("send-keys", "-t", "repl", "Enter");
}

const bytesOf = (value: string, unit: string) => Number(value) * ({ B: 1, KB: 1e3, MB: 1e6, GB: 1e9 } as Record<string, number>)[unit]!;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-repl-"));
  socket = `lakeloop-test-${process.pid}`;
  env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  await run(process.execPath, [bin, "sample", "--rows", "60000", "--months", "3", "--quiet"], { env });
});
afterAll(async () => {
  await tmux("kill-server").catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe("the REPL", () => {
  it("runs the seed scenario in a terminal; widening fetches only the new month", async () => {
    const envArgs = ["LAKELOOP_LAKE", "LAKELOOP_CACHE"].map((k) => `${k}=${env[k]}`).join(" ");
    await tmux("new-session", "-d", "-s", "repl", "-x", "160", "-y", "50", `cd ${root} && env ${envArgs} ${process.execPath} ${bin}; sleep 30`);
    await waitFor(/tables: transactions/);
    await type(euroCell("2023-02-01"));
    let text = await waitFor(/0 reused, 2 ran/);
    await type("%%sql usd_by_country");
    await type("SELECT country, round(sum(usd), 2) AS usd FROM euro_selection GROUP BY country ORDER BY usd DESC");
    await type("");
    text = await waitFor(/1 reused, 1 ran/);
    expect(text).toMatch(/usd_by_country {2}\d+ rows × 2 columns/);
    await type(euroCell("2023-03-01"));
    text = await waitFor(/0 reused, 3 ran/);
    const scans = [...text.matchAll(/✓ transactions\[id, usd, country\] where [^\n]*? {2}([\d,]+) rows in \d+ ms, ([\d.]+) (B|KB|MB) fetched, ([\d.]+) (B|KB|MB) from cache/g)];
    expect(scans).toHaveLength(2);
    const [january, widened] = scans.map((m) => ({ rows: Number(m[1]!.replace(/,/g, "")), fetched: bytesOf(m[2]!, m[3]!), cached: bytesOf(m[4]!, m[5]!) }));
    expect(january!.cached).toBe(0);
    expect(widened!.rows).toBeGreaterThan(january!.rows);
    expect(widened!.cached).toBeGreaterThan(0); // January came through the cache
    expect(widened!.fetched).toBeGreaterThan(0); // February came from the lake...
    expect(widened!.fetched).toBeLessThan(january!.fetched * 1.5); // ...and only February
    expect(text).toMatch(/✓ usd_by_country {2}\d+ rows/); // downstream re-ran on the new input
    await type(".exit");
  }, 120_000);

  it("runs piped input as a script with plain output and a failing exit code on error", async () => {
    const child = spawn(process.execPath, [bin], { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stdin.end(`${euroCell("2023-02-01")}\n\n%%sql n\nSELECT count(*) AS n FROM euro_selection\n\n.models\n\nconst f = () => {\n  throw new Error("broken on purpose")\n}\nf()\n`);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(out).toMatch(/✓ euro_selection: [\d,]+ rows/);
    expect(out).toMatch(/n \(1 rows\)\nn\s*\n─+\s*\n\d+/);
    expect(out).toMatch(/euro_selection\s+ts\s+cell\[1\]:1\nn\s+sql/);
    expect(out).toMatch(/Error: broken on purpose\n {2}1 \| const f = \(\) => {\n> 2 \| {3}throw new Error\("broken on purpose"\)\n {2}3 \| }\n {2}4 \| f\(\)/);
    expect(code).toBe(1);
  }, 120_000);
});
