// The real CLI in a terminal (tmux), through the seed scenario: define euro_selection
// over a one-month window, define usd_by_country, run; widen the window to two months
// and run: the screen shows the scan re-ran fetching only the new month, with January
// from the cache. Real keystrokes: Ctrl-C cancels a model that never returns and the
// REPL stays; the editing keys (moves, kills, history into a multi-line cell, a burst of
// backspaces, a cell taller than the screen); a %%sql header waits for its query; a
// table value shows as a preview. A bad cell is refused alone, and the cells after it
// run; `.drop` removes models. Also the REPL on piped input, as a script.
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

/** The pane's text, with `history` lines of scrollback (or the visible screen only). */
async function screen(pane = "repl", history = 500): Promise<string> {
  return (await tmux("capture-pane", "-p", "-J", ...(history ? ["-S", `-${history}`] : []), "-t", pane)).stdout;
}

/** Polls the screen until `pattern` shows (the deadline is a failure, not a timing claim). */
async function waitFor(pattern: RegExp, count = 1, deadlineMs = 60_000, pane = "repl"): Promise<string> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const text = await screen(pane);
    if ((text.match(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g")) ?? []).length >= count) return text;
    if (Date.now() > until) throw new Error(`the screen never showed ${pattern} (${count}x):\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function type(line: string, pane = "repl"): Promise<void> {
  await tmux("send-keys", "-t", pane, "-l", line);
  await tmux("send-keys", "-t", pane, "Enter");
}

/** Named keys (tmux's names: C-a, M-b, Left, BSpace...), sent in one command. */
async function keys(pane: string, ...names: string[]): Promise<void> {
  await tmux("send-keys", "-t", pane, ...names);
}

/** Text sent as typed, without Enter. */
async function typeAhead(pane: string, text: string): Promise<void> {
  await tmux("send-keys", "-t", pane, "-l", text);
}

/** The REPL in its own tmux session; after it exits the pane says how. */
async function openRepl(pane: string, height = 50): Promise<void> {
  const envArgs = ["LAKELOOP_LAKE", "LAKELOOP_CACHE"].map((k) => `${k}=${env[k]}`).join(" ");
  await tmux("new-session", "-d", "-s", pane, "-x", "160", "-y", String(height), `cd ${root} && env ${envArgs} ${process.execPath} ${bin}; echo "repl exited with $?"; sleep 60`);
  await waitFor(/tables: transactions/, 1, 60_000, pane);
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
    await openRepl("repl");
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

  it("Ctrl-C cancels a run and keeps the REPL; keys typed during a run wait for it; Ctrl-C clears a line; twice on an empty line leaves", async () => {
    const pane = "cancel";
    await openRepl(pane);
    await type(`model("spin", {}, () => { for (;;) {} }, { timeoutMs: 600000 })`, pane);
    await waitFor(/… spin\s+running/, 1, 60_000, pane);
    // Typed during the run: shown in the editor (not echoed raw), its Enter held.
    await type("40 + 2", pane);
    await waitFor(/lakeloop> 40 \+ 2/, 1, 60_000, pane);
    await waitFor(/runs when this run ends/, 1, 60_000, pane);
    await keys(pane, "C-c");
    let text = await waitFor(/■ spin\s+cancelled/, 1, 60_000, pane);
    expect(text).not.toMatch(/repl exited/);
    expect(text).not.toMatch(/^42$/m); // the held cell came back to the editor, not run
    await keys(pane, "Enter");
    text = await waitFor(/^42$/m, 1, 60_000, pane);
    // Ctrl-C on a non-empty line clears it (kept on screen, marked ^C).
    await typeAhead(pane, "junk line");
    await keys(pane, "C-c");
    await waitFor(/lakeloop> junk line \^C/, 1, 60_000, pane);
    await type("1 + 2", pane);
    text = await waitFor(/^3$/m, 1, 60_000, pane);
    expect(text).toMatch(/^lakeloop> 1 \+ 2$/m);
    // Another model runs after the cancelled one.
    await type(`model("after_spin", {}, () => [{ ok: 1 }])`, pane);
    text = await waitFor(/after_spin {2}1 row × 1 column/, 1, 60_000, pane);
    await keys(pane, "C-c");
    await waitFor(/Ctrl-C again/, 1, 60_000, pane);
    await keys(pane, "C-c");
    text = await waitFor(/repl exited with 0/, 1, 60_000, pane);
  }, 180_000);

  it("edits like readline: moves, kills, history into a multi-line cell, a burst of backspaces, a tall cell", async () => {
    const pane = "keys";
    await openRepl(pane);
    // A multi-line cell, typed line by line, then recalled and edited in its middle line.
    for (const line of ["function total() {", "  return 10 +", "    20", "}"]) await type(line, pane);
    await type("total()", pane);
    await waitFor(/^30$/m, 1, 60_000, pane);
    await keys(pane, "Up", "Up"); // total(), then the function (cursor at its end)
    await waitFor(/lakeloop> function total\(\) {\n\s+\| {3}return 10 \+\n\s+\| {5}20\n\s+\| }\s*$/, 1, 60_000, pane);
    await keys(pane, "Up", "End"); // into the middle line "    20"
    await typeAhead(pane, "0");
    await keys(pane, "Down", "Enter");
    await waitFor(/\| {5}200\n/, 1, 60_000, pane);
    await type("total()", pane);
    await waitFor(/^210$/m, 1, 60_000, pane);
    // A burst of backspaces arriving at once deletes; it never inserts DEL characters.
    await typeAhead(pane, `const burst = 40 + 2${"z".repeat(30)}`);
    await waitFor(/z{30}/, 1, 60_000, pane);
    await keys(pane, ...Array.from({ length: 30 }, () => "BSpace"));
    await keys(pane, "Enter");
    await type("burst", pane);
    let text = await waitFor(/^42$/m, 1, 60_000, pane);
    expect(text).not.toMatch(/Invalid character/);
    // Ctrl-U, Ctrl-W, Ctrl-A, Ctrl-E, Alt-B, Ctrl-K, Left, Delete, Ctrl-Left, Ctrl-Right.
    await typeAhead(pane, "bogus text");
    await keys(pane, "C-u");
    await typeAhead(pane, "21 * 2 junk");
    await keys(pane, "C-w", "C-a");
    await typeAhead(pane, "const kept = ");
    await keys(pane, "C-e");
    await typeAhead(pane, "+ 0; tail end");
    await keys(pane, "M-b", "M-b", "C-k", "Left", "Left", "DC", "C-Left", "C-Left", "C-Right");
    await typeAhead(pane, "1");
    await keys(pane, "Enter");
    text = await waitFor(/^lakeloop> const kept = 21 \* 21 \+ 0\s*$/m, 1, 60_000, pane);
    await type("kept", pane);
    await waitFor(/^441$/m, 1, 60_000, pane);
    // A cell taller than the screen: a window of it around the cursor, the scrollback kept.
    await typeAhead(pane, ["const tall = [", ...Array.from({ length: 80 }, (_, i) => `  ${i},`), ""].join("\n"));
    text = await waitFor(/↑ \d+ more lines/, 1, 60_000, pane);
    const visible = await screen(pane, 0);
    expect(visible).toMatch(/ {2}79,/);
    expect(visible).not.toMatch(/ {2}0,\n/);
    await type("]", pane);
    await type("tall.length", pane);
    text = await waitFor(/^80$/m, 1, 60_000, pane);
    expect(text).toMatch(/tables: transactions/); // nothing above was cleared away
    // A %%sql header alone waits for its query; a table a cell evaluates to is a preview.
    await type("%%sql agg", pane);
    await waitFor(/lakeloop> %%sql agg\n\s+\|/, 1, 60_000, pane);
    await type("SELECT 42 AS answer", pane);
    await type("", pane);
    text = await waitFor(/agg {2}1 row × 1 column/, 1, 60_000, pane);
    expect(text).not.toMatch(/has no query/);
    await type('await result("agg")', pane);
    text = await waitFor(/agg {2}1 row × 1 column\nanswer\s*\nint32\s*\n42/, 2, 60_000, pane);
    expect(text).not.toMatch(/Table \{|batches/);
    await type(".exit", pane);
    await waitFor(/repl exited with 0/, 1, 60_000, pane);
  }, 180_000);

  it("refuses a bad cell alone: later cells, %%sql and result() run; .drop removes models; ISO dates; errors at their own line", async () => {
    const pane = "recover";
    await openRepl(pane);
    await type(`model("bad", { tx: Model("transactions", { columns: ["id"], filter: "eventTime BETWEN '2023-01-01' AND '2023-02-01'" }) }, ({ tx }) => tx)`, pane);
    let text = await waitFor(/bad filter in model "bad"/, 1, 60_000, pane);
    // The typo is underlined, not the column before it.
    expect(text).toMatch(/\n {2}eventTime BETWEN '2023-01-01' AND '2023-02-01'\n {12}\^{6}\n/);
    await type(`model("good", { tx: Model("transactions", { columns: ["id", "eventTime", "settled_on"], filter: "eventTime < '2023-01-02'" }) }, ({ tx }) => tx)`, pane);
    text = await waitFor(/0 reused, 2 ran/, 1, 60_000, pane);
    expect(text.match(/bad filter in model "bad"/g)).toHaveLength(1); // shown once, at its own cell
    // Timestamps and dates as ISO 8601, never epoch milliseconds.
    expect(text).toMatch(/good {2}[\d,]+ rows × 3 columns/);
    expect(text).toMatch(/\n1 +2023-01-01T\d\d:\d\d:\d\d\.\d{6} +2023-01-0\d\s*\n/);
    expect(text).not.toMatch(/16725\d{8}/);
    await type("%%sql n_good", pane);
    await type("SELECT count(*) AS n FROM good", pane);
    await type("", pane);
    await waitFor(/1 reused, 1 ran/, 1, 60_000, pane);
    await type('await result("good")', pane);
    await waitFor(/good {2}[\d,]+ rows × 3 columns/, 2, 60_000, pane);
    // .drop refuses a model another reads, then drops both; .models shows what is left.
    await type(".drop good", pane);
    await waitFor(/cannot drop "good": model "n_good" reads it/, 1, 60_000, pane);
    await type(".drop n_good good", pane);
    await waitFor(/dropped model good \(ts, defined at cell\[2\]:1\)/, 1, 60_000, pane);
    await type(".models", pane);
    await waitFor(/^no models yet$/m, 1, 60_000, pane);
    // A model that throws on line 4 of a cell with top-level await is marked at line 4.
    await typeAhead(pane, "const seen = await Promise.resolve(1)");
    await keys(pane, "C-o");
    // (No ";" at the ends of lines: tmux takes a trailing ";" for its command separator.)
    for (const line of [`model("thrower", {}, () => {`, "  const x = 1", `  throw new Error("thrown on line 4")`, "})"]) await type(line, pane);
    text = await waitFor(/thrower: model "thrower" threw: thrown on line 4/, 1, 60_000, pane);
    expect(text).toMatch(/> 4 \| {3}throw new Error\("thrown on line 4"\)\n/);
    await type(".exit", pane);
    await waitFor(/repl exited with 0/, 1, 60_000, pane);
  }, 180_000);

  it("runs piped input as a script with plain output and a failing exit code on error", async () => {
    const child = spawn(process.execPath, [bin], { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stdin.end(`${euroCell("2023-02-01")}\n\n%%sql n\nSELECT count(*) AS n FROM euro_selection\n\n.models\n\nconst f = () => {\n  throw new Error("broken on purpose")\n}\nf()\n`);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(out).toMatch(/✓ euro_selection: [\d,]+ rows/);
    expect(out).toMatch(/n \(1 row\)\nn\s*\n─+\s*\n\d+/);
    expect(out).toMatch(/euro_selection\s+ts\s+cell\[1\]:1\nn\s+sql/);
    expect(out).toMatch(/Error: broken on purpose\n {2}1 \| const f = \(\) => {\n> 2 \| {3}throw new Error\("broken on purpose"\)\n {2}3 \| }\n {2}4 \| f\(\)/);
    expect(code).toBe(1);
  }, 120_000);

  it("finishes a result() a piped script's last cell started without awaiting, then exits cleanly", async () => {
    const child = spawn(process.execPath, [bin], { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    child.stdin.end(`model("late", { t: Model("transactions", { columns: ["id"] }) }, ({ t }) => t)\n\nconst pending = result("late"); "started"\n`);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(out).toMatch(/'started'/);
    expect(err).not.toMatch(/WorkerError|connection is closed|Unhandled/);
    expect(code).toBe(0);
  }, 120_000);
});
