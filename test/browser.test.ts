// What a notebook user sees in the classic Jupyter Notebook, in a real browser: Debian's
// jupyter-notebook serves a notebook on the lakeloop kernel (installed in a temp prefix),
// headless Chromium opens it and runs it through the UI (Cell > Run All), a new cell is
// added and a long model in it interrupted (Kernel > Interrupt), and the assertions read
// the rendered page: the chart drawn as SVG, ISO dates, grouped and aligned numbers, the
// DAG within the output's width, In [ ] on the cells skipped after an error, highlighted
// code in the new cell, figures never broken across lines, and no stack traces.
// Screenshots of the run go to the folder the test prints (dist/browser-screenshots).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, startNotebookServer, type NotebookServer } from "./browser-jupyter.js";

// In-page functions run in Chromium; the project compiles without the DOM's types.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const NodeFilter: any;
declare function getComputedStyle(element: unknown): { textAlign: string };

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "bin", "lakeloop.js");
const shots = path.join(root, "dist", "browser-screenshots");
const KERNEL = "lakeloop-browser";

// The notebook the browser runs, cell by cell; CELL names their positions.
const SOURCES = [
  `model("eurozone", { tx: Model("transactions", { columns: ["id", "usd", "country", "eventTime", "settled_on"], filter: "eventTime BETWEEN '2023-01-01' AND '2023-03-01' AND country IN ('DE', 'FR', 'IT', 'ES', 'NL', 'BE', 'AT', 'PT')" }) }, ({ tx }) => tx);`,
  `%%sql daily\nSELECT settled_on, country, count(*) AS transactions, round(sum(usd), 2) AS usd\nFROM eurozone\nGROUP BY settled_on, country\nORDER BY usd DESC`,
  `%%sql top_days\nSELECT * FROM daily ORDER BY usd DESC LIMIT 10`,
  `%dag`,
  `display.vegalite(\n  { mark: "bar", encoding: { x: { field: "country", type: "nominal", sort: "-y" }, y: { field: "usd", type: "quantitative", aggregate: "sum" } } },\n  await result("daily"),\n)`,
  `const n: number = "x";\nn + 1`,
  `model("broken", { d: Model("daily") }, ({ d }) => {\n  const rows = [];\n  if (d.numRows > 0) throw new Error("no rows today");\n  return rows;\n});`,
  `"this cell is skipped"`,
  `%tables`,
];
const CELL = { eurozone: 0, daily: 1, dag: 3, chart: 4, typeError: 5, broken: 6, skipped: [7, 8], added: 9 } as const;
const SLOW_MODEL = `model("slow", {}, () => { const end = Date.now() + 600000; while (Date.now() < end) {} return [{ done: 1 }]; });`;

function notebookJson(): string {
  const cell = (source: string) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: KERNEL, display_name: "lakeloop (browser test)", language: "typescript" } },
    cells: [{ cell_type: "markdown", metadata: {}, source: "# lakeloop in the classic Notebook" }, ...SOURCES.map(cell)],
  }, null, 1);
}

let dir: string;
let server: NotebookServer;
let context: BrowserContext;
let refused: string[];
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-browser-"));
  const env = {
    ...process.env, PYTHONPATH: "", LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache"),
    JUPYTER_PATH: path.join(dir, "share", "jupyter"), JUPYTER_RUNTIME_DIR: path.join(dir, "runtime"),
    JUPYTER_CONFIG_DIR: path.join(dir, "config"), JUPYTER_DATA_DIR: path.join(dir, "data"),
  };
  await run(process.execPath, [bin, "sample", "--rows", "60000", "--months", "3", "--quiet"], { env });
  await run(process.execPath, [bin, "kernel", "install", "--prefix", dir, "--name", KERNEL], { env });
  await mkdir(path.join(dir, "notebooks"));
  await writeFile(path.join(dir, "notebooks", "browser.ipynb"), notebookJson());
  await rm(shots, { recursive: true, force: true });
  await mkdir(shots, { recursive: true });
  console.log(`browser test screenshots: ${shots}`);
  server = await startNotebookServer(path.join(dir, "notebooks"), env);
  ({ context, refused } = await launchChromium(await mkdtemp(path.join(dir, "chromium-"))));
  page = context.pages()[0] ?? await context.newPage();
  page.on("pageerror", (err) => errors.push(err.message));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

const codeCell = (i: number) => page.locator("#notebook-container .code_cell").nth(i);
const squash = (text: string) => text.replace(/\s+/g, " ").trim();
const promptOf = async (i: number) => squash(await codeCell(i).locator(".input_prompt").innerText());
const outputText = async (cell: Locator, selector = ".output_area") => (await cell.locator(selector).allInnerTexts()).join("\n");

/** Screenshot of the whole notebook: the page scrolls inside #site, so the viewport grows to hold it. */
async function shootNotebook(name: string): Promise<void> {
  const height = await page.evaluate(() => Number(document.querySelector("#notebook-container").scrollHeight) + 160);
  await page.setViewportSize({ width: 1280, height });
  await page.screenshot({ path: path.join(shots, name) });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** The notebook's kernel is idle and no cell waits to run. */
const settled = () => {
  const prompts = [...document.querySelectorAll("#notebook-container .input_prompt")].map((p: any) => String(p.textContent));
  return prompts.length > 0 && !prompts.some((t) => t.includes("*")) && !!document.querySelector("#kernel_indicator_icon.kernel_idle_icon");
};

/**
 * Figures (digits with their separators) of the progress outputs whose text spans more
 * than one line box, with the notebook's width narrowed step by step from its own down
 * to 520 px, as in a narrower window: wherever the lines wrap, no figure is cut.
 */
const brokenFigures = () => {
  const container = document.querySelector("#notebook-container");
  const widest = Math.round(container.getBoundingClientRect().width);
  const broken: string[] = [];
  for (let width = widest; width >= 520; width -= 6) {
    container.style.width = `${width}px`;
    for (const root of document.querySelectorAll(".lakeloop-progress")) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of String(node.textContent).matchAll(/\d[\d,.]*\d/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index! + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r: any) => r.width > 0).map((r: any) => Math.round(r.top)));
          if (lines.size > 1) broken.push(`${m[0]} at ${width} px`);
        }
      }
    }
  }
  container.style.width = "";
  return broken;
};

describe("the classic Jupyter Notebook in Chromium", () => {
  it("runs the notebook with Run All and shows what a user should see", async () => {
    await page.goto(`${server.base}/notebooks/browser.ipynb?token=${server.token}`);
    await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 90_000 });
    await page.click("#celllink");
    await page.click("#run_all_cells");
    await page.waitForFunction(settled, null, { timeout: 240_000, polling: 250 });
    await shootNotebook("1-run-all.png");
    // The view docs/jupyter-notebook.png shows: the DAG, the chart and a type warning under the toolbar.
    await codeCell(CELL.dag).evaluate((el: any) => el.scrollIntoView());
    await page.screenshot({ path: path.join(shots, "0-overview.png") });

    // Cells skipped after the failing one were never run: In [ ], no outputs.
    expect.soft(await promptOf(CELL.broken)).toMatch(/^In \[\d+\]:$/);
    for (const i of CELL.skipped) {
      expect.soft(await promptOf(i)).toBe("In [ ]:");
      expect.soft(await codeCell(i).locator(".output_area").count()).toBe(0);
    }

    // The model that threw: its own cell and line, the line itself, no internal frames.
    const broken = await outputText(codeCell(CELL.broken), ".output_error");
    expect.soft(broken).toContain("no rows today");
    expect.soft(broken).toMatch(/line 3\b/);
    expect.soft(broken).toContain('if (d.numRows > 0) throw new Error("no rows today");');
    expect.soft(broken).not.toMatch(/model:\d|Module\.default|\.js:\d|node:internal/);

    // The chart: drawn as SVG bars; display.vegalite leaves no Out[] value behind.
    const chart = codeCell(CELL.chart);
    expect.soft(await chart.locator(".output_svg svg .mark-rect path").count()).toBeGreaterThan(0);
    expect.soft(await outputText(chart)).not.toContain("VegaLite chart");
    expect.soft(await chart.locator(".output_prompt", { hasText: "Out" }).count()).toBe(0);
    await chart.screenshot({ path: path.join(shots, "2-chart.png") });

    // The preview table: the lake's type words, ISO dates and timestamps, numbers right and text left, a note of what is shown.
    const eurozone = codeCell(CELL.eurozone);
    const table = eurozone.locator(".lakeloop-table table");
    const headers = (await table.locator("th").allInnerTexts()).map(squash);
    expect.soft(headers).toEqual(["id long", "usd double", "country string", "eventTime timestamp", "settled_on date"]);
    const column = async (t: Locator, i: number) => t.locator(`tbody tr td:nth-child(${i + 1})`).allInnerTexts();
    expect.soft(await column(table, 4)).toHaveLength(20);
    for (const date of await column(table, 4)) expect.soft(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // A timestamp column without a zone: local date-times, no "Z" (that is for timestamptz).
    for (const time of await column(table, 3)) expect.soft(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?$/);
    const align = (cell: Locator) => cell.evaluate((el) => getComputedStyle(el).textAlign);
    expect.soft(await align(table.locator("tbody tr td:nth-child(2)").first())).toBe("right");
    expect.soft(await align(table.locator("tbody tr td:nth-child(3)").first())).toBe("left");
    expect.soft(await outputText(eurozone)).toMatch(/first 20 of [\d,]+ rows/);
    // Sums of money: grouped digits, two decimals in every row of the column.
    const usd = await column(codeCell(CELL.daily).locator(".lakeloop-table table"), 3);
    for (const value of usd) expect.soft(value).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    expect.soft(usd[0]).toContain(",");
    const page_text = await page.locator("#notebook-container").innerText();
    expect.soft(page_text).not.toMatch(/Dictionary<|Timestamp<|Float64|Utf8|\b1 rows\b/);

    // The DAG fits the output area: every box inside it, the long filter elided with its full text on hover.
    const dag = await codeCell(CELL.dag).locator(".output_subarea").evaluate((area: any) => {
      const svg = area.querySelector("svg");
      const a = area.getBoundingClientRect();
      const boxes = [...svg.querySelectorAll("rect")].map((r: any) => r.getBoundingClientRect());
      return {
        left: Number(a.left), right: Number(a.right), svgWidth: Number(svg.getBoundingClientRect().width), boxes: boxes.length,
        leftmost: Math.min(...boxes.map((b: any) => Number(b.left))), rightmost: Math.max(...boxes.map((b: any) => Number(b.right))),
        titles: [...svg.querySelectorAll("title")].map((t: any) => String(t.textContent)),
      };
    });
    expect.soft(dag.boxes).toBe(4);
    expect.soft(dag.svgWidth).toBeLessThanOrEqual(dag.right - dag.left + 0.5);
    expect.soft(dag.leftmost).toBeGreaterThanOrEqual(dag.left - 0.5);
    expect.soft(dag.rightmost).toBeLessThanOrEqual(dag.right + 0.5);
    expect.soft(dag.titles.join("\n")).toContain("AND country IN ('DE', 'FR', 'IT', 'ES', 'NL', 'BE', 'AT', 'PT')");
    await codeCell(CELL.dag).screenshot({ path: path.join(shots, "3-dag.png") });

    // Progress lines never break inside a figure, however narrow the notebook.
    expect.soft(await eurozone.locator(".lakeloop-progress").innerText()).toMatch(/[\d,]+ rows in [\d,]+ ms/);
    expect.soft(await page.evaluate(brokenFigures)).toEqual([]);

    // A type error is a warning under the cell, and the cell still ran.
    const typed = codeCell(CELL.typeError);
    expect.soft(await outputText(typed, ".output_stderr")).toContain("Type 'string' is not assignable to type 'number'");
    expect.soft(await outputText(typed, ".output_result")).toContain("'x1'");
  }, 300_000);

  it("highlights a new cell's code, shows a running model's time, and interrupts it without a stack trace", async () => {
    await codeCell(CELL.skipped[1]).locator(".input_prompt").click();
    await page.click("#insertlink");
    await page.click("#insert_cell_below");
    const added = codeCell(CELL.added);
    await added.locator(".CodeMirror").click();
    await page.keyboard.insertText(SLOW_MODEL);
    // CodeMirror 5 tokens: the keyword and the string are highlighted spans (once the mode has loaded).
    await added.locator(".CodeMirror span.cm-keyword").first().waitFor({ timeout: 20_000 }).catch(() => {});
    expect.soft(await added.locator(".CodeMirror span.cm-keyword").count(), "keyword spans").toBeGreaterThan(0);
    expect.soft(await added.locator(".CodeMirror span.cm-string").count(), "string spans").toBeGreaterThan(0);

    await page.keyboard.press("Shift+Enter");
    // Its progress line moves on with the time it has run.
    await added.locator(".lakeloop-progress", { hasText: "slow" }).waitFor({ timeout: 60_000 });
    const elapsed = added.locator(".lakeloop-progress", { hasText: /slow.*running for [1-9]\d* s/ });
    await elapsed.waitFor({ timeout: 20_000 }).catch(() => {});
    expect.soft(await elapsed.count(), "a running model's elapsed time").toBe(1);
    await added.screenshot({ path: path.join(shots, "4-running.png") });
    await page.click("#kernellink");
    await page.click("#int_kernel");
    await page.waitForFunction(settled, null, { timeout: 60_000, polling: 250 });
    const shown = await outputText(added);
    expect.soft(shown).toMatch(/slow.*cancelled/);
    expect.soft(shown).not.toMatch(/\bat .*\(|EventTarget|node:internal|share-node-runs|\.js:\d+/);
    await added.screenshot({ path: path.join(shots, "5-interrupted.png") });
    await shootNotebook("6-notebook.png");
    expect.soft(errors, "errors in the page").toEqual([]);
    expect.soft(refused, "requests off the loopback interface").toEqual([]);
  }, 120_000);
});
