// A commit through the REST catalog server (POST …/tables/{table}), made the way
// lakeloop commits: the requirements are checked and the updates applied to the
// table's current metadata version N, exactly as stored (commit-updates.ts), and the
// result is published as vN+1.metadata.json with put-if-absent — the same single
// atomic step as lakeloop's own commits, so the two never overwrite each other. Only
// tables lakeloop itself may commit to are accepted, and every manifest list a new
// snapshot names must exist.
import { gunzipSync } from "node:zlib";
import type { Catalog } from "../iceberg/catalog.js";
import { tableMetadataFrom } from "../iceberg/read-metadata.js";
import type { Table } from "../iceberg/table.js";
import { applyUpdates, checkRequirements } from "./commit-updates.js";
import { parseExactJson, sameId, stringifyExactJson } from "./exact-json.js";
import { badRequest, commitFailed, RestError } from "./rest-error.js";

type Json = Record<string, unknown>;

/** The metadata file's text as stored (inflated when gzip-compressed). */
export async function metadataText(catalog: Catalog, table: Table): Promise<string> {
  const bytes = await catalog.store.get(table.metadataKey);
  return new TextDecoder().decode(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes);
}

export async function commitTable(catalog: Catalog, name: string, request: unknown): Promise<{ location: string; text: string }> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) throw badRequest("the commit must be a JSON object with 'requirements' and 'updates'");
  const table = await catalog.loadTable(name);
  if (table.readOnly) throw new RestError(403, "ForbiddenException", `table '${table.name}' is read-only: ${table.readOnly}`);
  const base = parseExactJson(await metadataText(catalog, table)) as Json;
  checkRequirements(base, (request as Json).requirements);
  const next = applyUpdates(base, (request as Json).updates, Date.now());
  next["metadata-log"] = [...((base["metadata-log"] as Json[] | undefined) ?? []),
    { "timestamp-ms": base["last-updated-ms"], "metadata-file": catalog.store.uriOf(table.metadataKey) }];
  await checkNewSnapshots(catalog, table, base, next);
  const text = stringifyExactJson(next, 2);
  tableMetadataFrom(JSON.parse(text), `the commit to ${table.name}`);
  const version = table.version + 1;
  const key = `${table.rootKey}/metadata/v${version}.metadata.json`;
  if (!(await catalog.store.putIfAbsent(key, text))) {
    throw commitFailed(`another commit published version ${version} of '${table.name}' first; load the table again and retry`);
  }
  await catalog.store.put(`${table.rootKey}/metadata/version-hint.text`, String(version)).catch(() => {});
  return { location: catalog.store.uriOf(key), text };
}

/** A snapshot that names a manifest list nobody wrote would break every reader: refuse it. */
async function checkNewSnapshots(catalog: Catalog, table: Table, base: Json, next: Json): Promise<void> {
  const before = (base.snapshots as Json[] | undefined) ?? [];
  for (const snapshot of (next.snapshots as Json[] | undefined) ?? []) {
    if (before.some((s) => sameId(s["snapshot-id"], snapshot["snapshot-id"]))) continue;
    const list = snapshot["manifest-list"] as string;
    let key: string;
    try {
      key = table.locations.keyOf(list);
    } catch (err) {
      throw badRequest(`snapshot ${String(snapshot["snapshot-id"])}: manifest list '${list}' is not a location this catalog can read (${(err as Error).message})`);
    }
    if (!(await catalog.store.head(key))) throw badRequest(`snapshot ${String(snapshot["snapshot-id"])}: manifest list '${list}' does not exist; write the manifests before committing`);
  }
}
