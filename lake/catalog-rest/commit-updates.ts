// A REST commit (CommitTableRequest) applied to table metadata, on its exact JSON (ids
// as bigints where they need it): every requirement the spec defines is checked, and
// the updates a writer needs to publish data are applied: add-snapshot,
// set-snapshot-ref, remove-snapshot-ref, set-properties, remove-properties (and
// assign-uuid / upgrade-format-version when they change nothing). Schema, partition
// and sort-order changes are refused: lakeloop's tables keep the schema they have.
import { badRequest, commitFailed } from "./rest-error.js";
import { sameId } from "./exact-json.js";

type Json = Record<string, unknown>;
type Id = number | bigint;

const same = (a: unknown, b: unknown) => sameId(a, b) || a === b;

/** Throws 409 CommitFailedException when a requirement does not hold, 400 for one it does not know. */
export function checkRequirements(meta: Json, requirements: unknown): void {
  if (!Array.isArray(requirements)) throw badRequest("the commit needs a 'requirements' array");
  const asserted: Record<string, [string, string]> = {
    "assert-table-uuid": ["uuid", "table-uuid"],
    "assert-last-assigned-field-id": ["last-assigned-field-id", "last-column-id"],
    "assert-current-schema-id": ["current-schema-id", "current-schema-id"],
    "assert-last-assigned-partition-id": ["last-assigned-partition-id", "last-partition-id"],
    "assert-default-spec-id": ["default-spec-id", "default-spec-id"],
    "assert-default-sort-order-id": ["default-sort-order-id", "default-sort-order-id"],
  };
  for (const requirement of requirements as Json[]) {
    const type = requirement?.type;
    if (type === "assert-create") throw commitFailed("requirement failed: the table already exists (assert-create)");
    if (type === "assert-ref-snapshot-id") {
      const ref = (meta.refs as Record<string, Json> | undefined)?.[String(requirement.ref)];
      const wanted = requirement["snapshot-id"];
      if (wanted === null || wanted === undefined) {
        if (ref) throw commitFailed(`requirement failed: branch or tag '${String(requirement.ref)}' was created concurrently`);
      } else if (!ref || !same(ref["snapshot-id"], wanted)) {
        throw commitFailed(`requirement failed: '${String(requirement.ref)}' is at snapshot ${ref ? String(ref["snapshot-id"]) : "(missing)"}, not ${String(wanted)}`);
      }
      continue;
    }
    const fields = asserted[String(type)];
    if (!fields) throw badRequest(`unknown commit requirement '${String(type)}'`);
    const [field, property] = fields;
    if (!same(meta[property], requirement[field])) {
      throw commitFailed(`requirement failed (${String(type)}): the table's ${property} is ${String(meta[property])}, not ${String(requirement[field])}`);
    }
  }
}

const REFUSED = new Set([
  "add-schema", "set-current-schema", "add-spec", "set-default-spec", "add-sort-order", "set-default-sort-order",
  "remove-snapshots", "set-location", "set-statistics", "remove-statistics", "set-partition-statistics",
  "remove-partition-statistics", "remove-partition-specs", "remove-schemas", "add-encryption-key", "remove-encryption-key",
]);

/** The metadata after the updates, or a 400 naming the first one that cannot apply. */
export function applyUpdates(base: Json, updates: unknown, now: number): Json {
  if (!Array.isArray(updates)) throw badRequest("the commit needs an 'updates' array");
  let meta: Json = structuredClone(base);
  for (const update of updates as Json[]) meta = applyUpdate(meta, update ?? {});
  return { ...meta, "last-updated-ms": Math.max(now, Number(base["last-updated-ms"] ?? 0) + 1) };
}

function applyUpdate(meta: Json, update: Json): Json {
  const action = String(update.action);
  const snapshots = (meta.snapshots as Json[] | undefined) ?? [];
  const refs = { ...(meta.refs as Record<string, Json> | undefined) };
  switch (action) {
    case "add-snapshot": {
      const snapshot = update.snapshot as Json | undefined;
      if (!snapshot || typeof snapshot["manifest-list"] !== "string") throw badRequest("add-snapshot needs a snapshot with a manifest-list");
      const id = snapshot["snapshot-id"] as Id;
      if (snapshots.some((s) => same(s["snapshot-id"], id))) throw badRequest(`add-snapshot: snapshot ${String(id)} already exists`);
      const parent = snapshot["parent-snapshot-id"];
      if (parent !== undefined && parent !== null && !snapshots.some((s) => same(s["snapshot-id"], parent))) {
        throw badRequest(`add-snapshot: parent snapshot ${String(parent)} is not in the table`);
      }
      const sequence = Number(snapshot["sequence-number"] ?? 0);
      const last = Number(meta["last-sequence-number"] ?? 0);
      if (meta["format-version"] !== 1 && sequence <= last) {
        throw commitFailed(`add-snapshot: sequence number ${sequence} is not after the table's last, ${last} (another commit came first)`);
      }
      const schemaId = snapshot["schema-id"];
      if (schemaId !== undefined && !((meta.schemas as Json[]) ?? []).some((s) => same(s["schema-id"], schemaId))) {
        throw badRequest(`add-snapshot: schema ${String(schemaId)} is not in the table`);
      }
      return { ...meta, snapshots: [...snapshots, snapshot], "last-sequence-number": Math.max(sequence, last) };
    }
    case "set-snapshot-ref": {
      const name = String(update["ref-name"] ?? "");
      const id = update["snapshot-id"] as Id;
      const snapshot = snapshots.find((s) => same(s["snapshot-id"], id));
      if (!name || !snapshot) throw badRequest(`set-snapshot-ref: snapshot ${String(id)} is not in the table`);
      if (update.type !== "branch" && update.type !== "tag") throw badRequest("set-snapshot-ref needs type 'branch' or 'tag'");
      if (name === "main" && update.type !== "branch") throw badRequest("set-snapshot-ref: 'main' must be a branch");
      const { action: _action, "ref-name": _name, ...ref } = update;
      refs[name] = ref;
      if (name !== "main") return { ...meta, refs };
      const log = [...((meta["snapshot-log"] as Json[] | undefined) ?? []), { "timestamp-ms": snapshot["timestamp-ms"], "snapshot-id": id }];
      return { ...meta, refs, "current-snapshot-id": id, "snapshot-log": log };
    }
    case "remove-snapshot-ref": {
      const name = String(update["ref-name"] ?? "");
      delete refs[name];
      return name === "main" ? { ...meta, refs, "current-snapshot-id": -1 } : { ...meta, refs };
    }
    case "set-properties": {
      const set = update.updates as Record<string, string> | undefined;
      if (!set || typeof set !== "object") throw badRequest("set-properties needs an 'updates' object");
      return { ...meta, properties: { ...(meta.properties as Json), ...set } };
    }
    case "remove-properties": {
      const properties = { ...(meta.properties as Record<string, string>) };
      for (const key of (update.removals as string[] | undefined) ?? []) delete properties[key];
      return { ...meta, properties };
    }
    case "assign-uuid":
      if (update.uuid !== meta["table-uuid"]) throw badRequest("assign-uuid: the table already has another UUID");
      return meta;
    case "upgrade-format-version":
      if (!same(update["format-version"], meta["format-version"])) throw badRequest(`upgrade-format-version: lakeloop's catalog keeps tables at format version ${String(meta["format-version"])}`);
      return meta;
    default:
      if (REFUSED.has(action)) throw badRequest(`lakeloop's catalog does not apply '${action}' updates; commits may add snapshots, move refs and change properties`);
      throw badRequest(`unknown table update '${action}'`);
  }
}
