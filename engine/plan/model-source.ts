// A TypeScript node as the ES module its thread imports: the function as the default
// export, given `ctx.params` (the parameters it reads, values written into the module)
// and, for an expectation, its checked table and a wrapper that turns its answer into
// the offending rows. The function's first line stays the module's first line, so a
// stack's "model:LINE" still maps to the cell's lines.
import type { TsNode } from "../dag/graph.js";
import { jsValueSource } from "../params/param-value.js";

// What an expectation's answer means, as rows: true, undefined, null, "" or no rows pass;
// false or a message fail with one row saying so; rows or a table are the offending rows.
const OFFENDING = `function __lakeloopOffending(result, arrow) {
  if (result === true || result === undefined || result === null || result === "") return [];
  if (result === false) return [{ failure: "the check returned false" }];
  if (typeof result === "string") return [{ failure: result }];
  if (Array.isArray(result) || result instanceof arrow.Table) return result;
  throw Object.assign(new TypeError("an expectation returns true or false, a message, or the offending rows (row objects or an Arrow table); it returned " + (typeof result)), { code: "MODEL_BAD_OUTPUT" });
}`;

export function moduleSourceOf(node: TsNode): string {
  const source = node.definition.source;
  const params = Object.entries(node.params ?? {});
  if (!node.check && params.length === 0) return `export default (${source});\n`;
  const paramsObject = `Object.freeze({ ${params.map(([name, p]) => `${JSON.stringify(name)}: ${jsValueSource(p.type, p.value)}`).join(", ")} })`;
  const call = node.check
    ? `__lakeloopOffending(await fn(inputs[${JSON.stringify(Object.keys(node.inputs)[0])}], { ...ctx, params: ${paramsObject} }), ctx.arrow)`
    : `fn(inputs, { ...ctx, params: ${paramsObject} })`;
  return `export default ((fn) => async (inputs, ctx) => ${call})((${source}));\n${node.check ? OFFENDING + "\n" : ""}`;
}
