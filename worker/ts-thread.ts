// The body of the worker thread that runs one TypeScript model: it rebuilds the input
// tables over the parent's shared memory (no copy), fences the model's imports to its
// environment (when it has packages), imports the model's module, calls it with the
// inputs and `{ arrow, log }`, and moves the output's buffers back to the parent by
// transfer.
import { parentPort, workerData } from "node:worker_threads";
import * as arrow from "apache-arrow";
import { describeTable, tableFromDescription, transferablesOf, type TableDescription } from "../columnar/share.js";
import { fenceImports } from "../sandbox/fence-imports.js";
import type { ModelEnvironment } from "../sandbox/model-module.js";
import { tableFromRows } from "./table-from-rows.js";

interface Job {
  code: string;
  /** The model as a module file in its environment (when it has packages). */
  environment?: ModelEnvironment;
  inputs: Record<string, TableDescription>;
}

async function main(): Promise<void> {
  const job = workerData as Job;
  const inputs: Record<string, arrow.Table> = {};
  for (const [name, description] of Object.entries(job.inputs)) inputs[name] = tableFromDescription(description);
  if (job.environment) fenceImports(job.environment.fence);
  const mod = (await import(job.environment?.moduleUrl ?? `data:text/javascript;base64,${Buffer.from(job.code).toString("base64")}`)) as { default: unknown };
  if (typeof mod.default !== "function") throw new TypeError("the model module does not export a function");
  const log = (...args: unknown[]) => parentPort!.postMessage({ log: args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ") });
  const output = await (mod.default as (i: unknown, c: unknown) => unknown)(inputs, { arrow, log });
  let table: arrow.Table;
  if (output instanceof arrow.Table) table = output;
  else if (Array.isArray(output)) table = tableFromRows(output);
  else throw Object.assign(new TypeError(`the model returned ${output === null ? "null" : typeof output}; return an Arrow Table or an array of row objects`), { code: "MODEL_BAD_OUTPUT" });
  const description = describeTable(table);
  parentPort!.postMessage({ ok: description }, transferablesOf(description));
}

/** A model without packages imports from a data: URL, where Node's message for a bare
 * name is long and unhelpful (it quotes the whole module as base64): say what to do. */
function explain(message: string): string {
  const bare = /^Failed to resolve module specifier "([^"]+)" from "data:/.exec(message);
  if (!bare) return message;
  const name = bare[1]!.startsWith("@") ? bare[1]!.split("/").slice(0, 2).join("/") : bare[1]!.split("/")[0]!;
  return `cannot import "${bare[1]}": the model declares no packages; add runtime: { npm: { "${name}": "<version>" } } to its options`;
}

main().catch((err: unknown) => {
  const e = err as Error & { code?: string };
  parentPort!.postMessage({ error: { message: explain(e?.message ?? String(err)), stack: e?.stack ?? "", code: e?.code } });
});
