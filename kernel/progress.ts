// A run's live progress in a notebook: one line per node (running with its elapsed time
// or scan progress, reused, finished with rows and bytes, failed with its message,
// cancelled, skipped), as an HTML table whose figures never wrap inside a number, and as
// plain text. Stacks never show here: where a model failed is the error's business.
import type { NodeEvent } from "../protocol/messages.js";
import { formatBytesShort } from "../cache/diff.js";
import { escapeHtml, type MimeBundle } from "./render.js";
import { countOf } from "./table-cells.js";

interface Line {
  mark: "…" | "=" | "✓" | "✗" | "■" | "-" | "+";
  name: string;
  /** Short pieces, each kept on one line ("60,000 rows in 143 ms", "674 KB fetched"). */
  detail: string[];
  /** While running: when it started (this process's clock) and its scan progress. */
  startedAt?: number;
  progress?: string;
}

const CANCELLED = new Set(["NODE_CANCELLED", "MODEL_CANCELLED"]);

/** "850 ms" is not shown; "4 s", "2 min 05 s", "1 h 03 min". */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

const grouped = (n: number) => n.toLocaleString("en-US");

export class RunProgress {
  readonly #lines = new Map<string, Line>();
  readonly #cancelled = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes in a node event; false when it changes nothing shown. */
  apply(e: NodeEvent): boolean {
    const line = (mark: Line["mark"], detail: string[]): Line => ({ mark, name: "name" in e ? e.name : "", detail });
    switch (e.type) {
      case "node-started":
        this.#lines.set(e.node, { ...line("…", []), startedAt: this.now() });
        return true;
      case "node-progress": {
        const running = this.#lines.get(e.node) ?? { ...line("…", []), startedAt: this.now() };
        running.progress = `${Math.round((100 * e.done) / e.total)}% (${grouped(e.done)} of ${grouped(e.total)} ${e.unit})`;
        this.#lines.set(e.node, running);
        return true;
      }
      case "node-reused":
        this.#lines.set(e.node, line("=", [`reused (${countOf(e.rows, "row")})`]));
        return true;
      case "node-finished": {
        const cached = e.read.memoryBytes + e.read.diskBytes;
        const io = e.read.objectStoreBytes || cached ? [`${formatBytesShort(e.read.objectStoreBytes)} fetched`, `${formatBytesShort(cached)} from cache`] : [];
        const wrote = e.materialized ? [`wrote ${e.materialized.table} snapshot ${e.materialized.snapshotId}`] : [];
        this.#lines.set(e.node, line("✓", [`${countOf(e.rows, "row")} in ${grouped(Math.round(e.ms))} ms`, ...io, ...wrote]));
        return true;
      }
      case "node-failed":
        if (CANCELLED.has(e.error.code)) {
          this.#cancelled.add(e.name);
          this.#lines.set(e.node, line("■", ["cancelled"]));
        } else {
          this.#lines.set(e.node, line("✗", [e.error.message.split("\n")[0]!]));
        }
        return true;
      case "node-materialized":
      case "materialize-skipped": {
        // A materialization that waited for the model's expectations: said on the model's line.
        const done = this.#lines.get(e.node) ?? line("✓", []);
        const what = e.type === "node-materialized" ? `wrote ${e.materialized.table} snapshot ${e.materialized.snapshotId}` : `not written to ${e.table}: ${e.because}`;
        this.#lines.set(e.node, { ...done, detail: [...done.detail, what] });
        return true;
      }
      case "node-skipped":
        this.#lines.set(e.node, line("-", [`skipped (${e.because})`]));
        return true;
      case "install":
        this.#lines.set(`${e.node} ${e.package}`, {
          mark: "+", name: `${e.package}@${e.version}`,
          detail: [e.cached ? "from the package store" : `fetched ${formatBytesShort(e.bytes)} in ${grouped(Math.round(e.ms))} ms`],
        });
        return true;
      default:
        return false;
    }
  }

  /** Whether a node is still running (its elapsed time then moves). */
  get running(): boolean {
    return [...this.#lines.values()].some((l) => l.mark === "…");
  }

  /** Whether the node of this name was cancelled rather than failed. */
  wasCancelled(name: string): boolean {
    return this.#cancelled.has(name);
  }

  #detailOf(l: Line): string[] {
    if (l.mark !== "…") return l.detail;
    const elapsed = this.now() - (l.startedAt ?? this.now());
    const time = elapsed >= 1000 ? formatElapsed(elapsed) : "";
    if (l.progress) return time ? [l.progress, time] : [l.progress];
    return [time ? `running for ${time}` : "running"];
  }

  get empty(): boolean {
    return this.#lines.size === 0;
  }

  bundle(): MimeBundle {
    const lines = [...this.#lines.values()];
    const cell = (html: string, style = "") => `<td style="text-align:left;vertical-align:top;padding:1px 8px 1px 0;${style}">${html}</td>`;
    // Each piece stays whole (white-space: nowrap); lines wrap only between pieces and at
    // the spaces of a long name, never inside a figure.
    const rows = lines.map((l) => `<tr style="background:none">` +
      cell(escapeHtml(l.mark)) +
      cell(escapeHtml(l.name), "word-break:normal;overflow-wrap:normal") +
      cell(this.#detailOf(l).map((d) => `<span style="white-space:nowrap">${escapeHtml(d)}</span>`).join(", ")) +
      `</tr>`).join("");
    return {
      "text/html": `<table class="lakeloop-progress" style="margin-left:0;margin-right:auto;border:none;font-family:monospace;font-size:12px"><tbody>${rows}</tbody></table>`,
      "text/plain": lines.map((l) => `${l.mark} ${l.name}: ${this.#detailOf(l).join(", ")}`).join("\n"),
    };
  }
}
