// The fields each request must carry, checked before the worker acts on it: a request
// that parses as JSON but lacks a field (or has one of the wrong kind) gets an error
// reply naming the field, instead of failing somewhere deep inside with a TypeError.
import type { Request } from "./messages.js";

type Check = (value: unknown) => boolean;

const isString: Check = (v) => typeof v === "string";
const isStrings: Check = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");
const isOptionalCount: Check = (v) => v === undefined || (typeof v === "number" && Number.isInteger(v) && v >= 0);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** A node of the plan carries its id, a known kind and the spec of that kind. */
const isPlanNode: Check = (v) => isObject(v) && typeof v.id === "string" && isObject(v.inputs)
  && (v.kind === "scan" || v.kind === "sql" || v.kind === "ts") && isObject(v[v.kind]);
const isPlan: Check = (v) => isObject(v) && Array.isArray(v.nodes) && v.nodes.every(isPlanNode) && isStrings(v.targets);
const isPreviewFrom: Check = (v) => v === undefined || v === "head" || v === "tail";
const isScans: Check = (v) => Array.isArray(v) && v.every((s) => typeof s === "object" && s !== null && typeof (s as { table?: unknown }).table === "string");

const FIELDS: Record<Request["type"], Record<string, Check>> = {
  hello: { session: isString },
  run: { plan: isPlan, previewRows: isOptionalCount, previewFrom: isPreviewFrom },
  cancel: { run: isString },
  fetch: { node: isString, batchRows: isOptionalCount },
  has: { nodes: isStrings },
  diff: { scans: isScans },
  status: {},
  ping: {},
  release: { nodes: isStrings },
  bye: {},
};

/** What is wrong with a request's fields, or undefined when nothing is. */
export function checkRequestFields(type: Request["type"], record: Record<string, unknown>): string | undefined {
  const bad = Object.entries(FIELDS[type]).filter(([field, check]) => !check(record[field])).map(([field]) => field);
  return bad.length ? `request '${type}' has a missing or malformed ${bad.join(", ")}` : undefined;
}
