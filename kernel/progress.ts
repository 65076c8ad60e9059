// A run's live progress in a notebook: one line per node, as the engine's reducer has
// its state and the engine's presenter words it (running with its elapsed time or scan
// progress, reused, finished with rows and bytes, failed with its message, cancelled,
// skipped), with the packages installed for it below; as an HTML table whose figures
// never wrap inside a number, and as plain text. Stacks never show here: where a model
// failed is the error's business.
import type { NodeEvent } from "../engine/index.js";
import { applyNodeEvent, type NodeState } from "../engine/run/node-state.js";
import { installDetail, NODE_MARKS, nodeDetail } from "../engine/present/node-lines.js";
import { escapeHtml, type MimeBundle } from "./render.js";

interface Line {
  mark: string;
  name: string;
  /** Short pieces, each kept on one line ("60,000 rows in 143 ms", "674 KB fetched"). */
  detail: string[];
}

export class RunProgress {
  #states: NodeState[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes in a node event; false when it changes nothing shown. */
  apply(e: NodeEvent): boolean {
    const before = this.#states;
    this.#states = applyNodeEvent(before, e, this.now());
    return this.#states.some((s, i) => s !== before[i]);
  }

  /** Whether a node is still running (its elapsed time then moves). */
  get running(): boolean {
    return this.#states.some((s) => s.action === "running");
  }

  get empty(): boolean {
    return this.#states.length === 0;
  }

  #lines(): Line[] {
    const now = this.now();
    return this.#states.flatMap((s) => [
      { mark: NODE_MARKS[s.action], name: s.name, detail: nodeDetail(s, now) },
      ...s.installs.map((i) => ({ mark: "+", name: `${i.package}@${i.version}`, detail: [installDetail(i)] })),
    ]);
  }

  bundle(): MimeBundle {
    const lines = this.#lines();
    const cell = (html: string, style = "") => `<td style="text-align:left;vertical-align:top;padding:1px 8px 1px 0;${style}">${html}</td>`;
    // Each piece stays whole (white-space: nowrap); lines wrap only between pieces and at
    // the spaces of a long name, never inside a figure.
    const rows = lines.map((l) => `<tr style="background:none">` +
      cell(escapeHtml(l.mark)) +
      cell(escapeHtml(l.name), "word-break:normal;overflow-wrap:normal") +
      cell(l.detail.map((d) => `<span style="white-space:nowrap">${escapeHtml(d)}</span>`).join(", ")) +
      `</tr>`).join("");
    return {
      "text/html": `<table class="lakeloop-progress" style="margin-left:0;margin-right:auto;border:none;font-family:monospace;font-size:12px"><tbody>${rows}</tbody></table>`,
      "text/plain": lines.map((l) => `${l.mark} ${l.name}: ${l.detail.join(", ")}`).join("\n"),
    };
  }
}
