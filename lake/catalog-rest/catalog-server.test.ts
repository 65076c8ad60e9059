// `lakeloop catalog serve` as a client that is not lakeloop sees it: every request
// written by hand from the Iceberg REST OpenAPI spec (apache/iceberg,
// open-api/rest-catalog-open-api.yaml) with plain fetch, every answer checked against
// the spec's response shapes, and the rows of the table read by icebird from the
// metadata the catalog returned. Commits: a writer that adds a data file the way
// another engine would (data file, manifest, manifest list, then the REST commit).
import { randomUUID } from "node:crypto";
import { icebergRead } from "icebird";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../iceberg/catalog.js";
import { decodeAvroFile } from "../iceberg/avro.js";
import { encodeManifest, encodeManifestList, EntryStatus, manifestFileFor, type ManifestFile } from "../iceberg/manifest.js";
import { putFixtureTable } from "../../testing/iceberg-fixtures.js";
import { writeSample } from "../ingest/sample.js";
import { openStore } from "../store/open-store.js";
import type { ObjectStore } from "../store/object-store.js";
import { startS3rver, type S3rverHandle } from "../../testing/s3rver.js";
import { sendS3ToLocal } from "../../testing/s3-fetch.js";
import { startCatalogServer, type CatalogServer } from "./catalog-server.js";
import { parseExactJson } from "./exact-json.js";
import { openCatalog } from "../open-catalog.js";

let s3: S3rverHandle;
let store: ObjectStore;
let catalog: Catalog;
let server: CatalogServer;
const realFetch = globalThis.fetch;
let restoreFetch: (() => void) | undefined;
const CREDENTIAL = { id: "spark-job", secret: "s3cr3t-for-tests" };

beforeAll(async () => {
  s3 = await startS3rver({ bucket: "lake" });
  store = await openStore(s3.uri("warehouse"), s3.env);
  catalog = await openCatalog(store, s3.env);
  await writeSample(catalog, { rows: 2000, months: 2 });
  await putFixtureTable(store, "icebird/athena/example", "athena/example");
  server = await startCatalogServer({ catalog, listen: "127.0.0.1:0", credential: CREDENTIAL });
  // icebird reads s3:// through https://bucket.s3.amazonaws.com: send those to s3rver.
  restoreFetch = sendS3ToLocal(s3.endpoint);
});
afterAll(async () => {
  restoreFetch?.();
  await server?.close();
  await store?.close();
  await s3?.stop();
});

/** A token from the spec's client-credentials flow (POST /v1/oauth/tokens, form-encoded). */
async function token(): Promise<string> {
  const res = await realFetch(`${server.url}/v1/oauth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: CREDENTIAL.id, client_secret: CREDENTIAL.secret, scope: "catalog" }),
  });
  expect(res.status).toBe(200);
  const body = await res.json() as { access_token: string; token_type: string; expires_in: number };
  expect(body.token_type).toBe("bearer");
  expect(body.expires_in).toBeGreaterThan(0);
  return body.access_token;
}

async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const res = await realFetch(`${server.url}${path}`, {
    method, body, headers: { authorization: `Bearer ${await token()}`, ...(body ? { "content-type": "application/json" } : {}), ...headers },
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** IcebergErrorResponse: {"error": {"message", "type", "code"}} and nothing else. */
function expectIcebergError(answer: { status: number; json: any }, status: number, type: string, message?: RegExp): void {
  expect(answer.status).toBe(status);
  expect(Object.keys(answer.json)).toEqual(["error"]);
  expect(answer.json.error).toMatchObject({ type, code: status });
  expect(typeof answer.json.error.message).toBe("string");
  if (message) expect(answer.json.error.message).toMatch(message);
}

describe("the REST catalog server, read by a client written from the spec", () => {
  it("refuses requests without a token, and a wrong secret at the token endpoint", async () => {
    const bare = await realFetch(`${server.url}/v1/config`);
    expect(bare.status).toBe(401);
    expectIcebergError({ status: bare.status, json: await bare.json() }, 401, "NotAuthorizedException");
    const wrong = await realFetch(`${server.url}/v1/oauth/tokens`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: CREDENTIAL.id, client_secret: "nope" }),
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json() as { error: string }).error).toBe("invalid_client"); // OAuthError
  });

  it("answers GET /v1/config with defaults, overrides and endpoints", async () => {
    const config = await call("GET", "/v1/config?warehouse=lake");
    expect(config.status).toBe(200);
    expect(typeof config.json.defaults).toBe("object");
    expect(typeof config.json.overrides).toBe("object");
    expect(config.json.defaults["s3.endpoint"]).toBe(s3.endpoint);
    expect(config.json.endpoints).toContain("GET /v1/{prefix}/namespaces/{namespace}/tables/{table}");
    expect(config.json.overrides.prefix).toBeUndefined(); // routes are /v1/namespaces/…
  });

  it("lists namespaces and tables (ListNamespacesResponse, ListTablesResponse)", async () => {
    const namespaces = await call("GET", "/v1/namespaces");
    expect(namespaces.json).toEqual({ namespaces: [["athena"], ["default"]] });
    const tables = await call("GET", "/v1/namespaces/default/tables");
    expect(tables.json).toEqual({ identifiers: [{ namespace: ["default"], name: "transactions" }] });
    expect((await call("HEAD", "/v1/namespaces/default")).status).toBe(204);
    expect((await call("HEAD", "/v1/namespaces/default/tables/transactions")).status).toBe(204);
    expectIcebergError(await call("GET", "/v1/namespaces/nowhere/tables"), 404, "NoSuchNamespaceException");
    expectIcebergError(await call("GET", "/v1/namespaces/default/tables/transaction"), 404, "NoSuchTableException", /table 'default.transaction' does not exist/);
    expectIcebergError(await call("POST", "/v1/namespaces", JSON.stringify({ namespace: ["x"] })), 406, "UnsupportedOperationException");
  });

  it("loads a table (LoadTableResult) that icebird then reads, row for row", async () => {
    const answer = await call("GET", "/v1/namespaces/default/tables/transactions");
    expect(answer.status).toBe(200);
    const { "metadata-location": location, metadata, config } = answer.json;
    expect(location).toMatch(/^s3:\/\/lake\/warehouse\/default\/transactions\/metadata\/v\d+\.metadata\.json$/);
    expect(metadata["format-version"]).toBe(2);
    expect(metadata.location).toBe("s3://lake/warehouse/default/transactions");
    expect(config).toEqual({});
    // The answer's metadata is the metadata file itself.
    expect(metadata).toEqual(JSON.parse(new TextDecoder().decode(await store.get(store.keyOf(location)))));
    // An unchanged table answers 304 to its ETag.
    const again = await call("GET", "/v1/namespaces/default/tables/transactions", undefined, { "if-none-match": answer.headers.get("etag")! });
    expect(again.status).toBe(304);

    const rows = (await icebergRead({ tableUrl: metadata.location, metadata })) as Record<string, unknown>[];
    expect(rows).toHaveLength(2000);
    expect(new Set(rows.map((r) => String(r.id))).size).toBe(2000);
  });

  it("returns other engines' 64-bit snapshot ids digit for digit", async () => {
    const answer = await call("GET", "/v1/namespaces/athena/tables/example");
    expect(answer.text).toContain('"current-snapshot-id" : 6838723292707092922');
    const refsOnly = await call("GET", "/v1/namespaces/athena/tables/example?snapshots=refs");
    expect(refsOnly.text).toContain('"snapshot-id":6838723292707092922');
  });
});

describe("commits through the REST catalog server", () => {
  /** What another engine does before its commit: a data file, its manifest and a manifest list in the table's folder. */
  async function writeAppend(snapshotId: bigint): Promise<{ listUri: string; baseUuid: string; parentId: bigint; sequence: number; rows: number }> {
    // The writer's view of the table is the catalog's answer, read with exact 64-bit ids.
    const current = parseExactJson((await call("GET", "/v1/namespaces/default/tables/transactions")).text) as { metadata: Record<string, any> };
    const parentId = BigInt(current.metadata["current-snapshot-id"]);
    const table = await catalog.loadTable("transactions");
    const parent = table.currentSnapshot()!;
    const source = (await table.dataFiles())[0]!;
    const dataKey = `${table.rootKey}/data/${randomUUID()}.parquet`;
    await store.put(dataKey, await store.get(store.keyOf(source.path)));
    const sequence = Number(current.metadata["last-sequence-number"]) + 1;
    const write = { snapshotId: snapshotId as unknown as number, sequenceNumber: sequence, spec: table.partitionSpec(), schema: table.schema(), files: [{ ...source, path: store.uriOf(dataKey) }], status: EntryStatus.Added };
    const manifestBytes = await encodeManifest(write);
    const manifestKey = `${table.rootKey}/metadata/${randomUUID()}-m0.avro`;
    await store.put(manifestKey, manifestBytes);
    const manifests = [manifestFileFor(write, store.uriOf(manifestKey), manifestBytes.byteLength), ...(await exactManifests(table.locations.keyOf(parent["manifest-list"])))];
    const listKey = `${table.rootKey}/metadata/snap-${snapshotId}-1-${randomUUID()}.avro`;
    await store.put(listKey, await encodeManifestList(manifests, { id: snapshotId as unknown as number, parentId: parentId as unknown as number, sequenceNumber: sequence }));
    return { listUri: store.uriOf(listKey), baseUuid: current.metadata["table-uuid"], parentId, sequence, rows: source.recordCount };
  }

  /** The parent's manifest list entries with their 64-bit ids exact, to carry into the new list. */
  async function exactManifests(listKey: string): Promise<ManifestFile[]> {
    const { records } = await decodeAvroFile(await store.get(listKey));
    return records.map((r) => ({
      path: r.manifest_path, length: r.manifest_length, specId: r.partition_spec_id, sequenceNumber: r.sequence_number,
      minSequenceNumber: r.min_sequence_number, addedSnapshotId: r.added_snapshot_id, addedFiles: r.added_files_count,
      existingFiles: r.existing_files_count, deletedFiles: r.deleted_files_count, addedRows: r.added_rows_count,
      existingRows: r.existing_rows_count, deletedRows: r.deleted_rows_count,
    }) as unknown as ManifestFile);
  }

  /** A CommitTableRequest written as text, so the 63-bit id goes out exactly. */
  function commitRequest(id: bigint, a: { listUri: string; baseUuid: string; parentId: bigint; sequence: number }, refAt: bigint | number = a.parentId): string {
    return `{
      "requirements": [
        {"type": "assert-table-uuid", "uuid": "${a.baseUuid}"},
        {"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": ${refAt}}
      ],
      "updates": [
        {"action": "add-snapshot", "snapshot": {"snapshot-id": ${id}, "parent-snapshot-id": ${a.parentId}, "sequence-number": ${a.sequence},
          "timestamp-ms": ${Date.now()}, "manifest-list": "${a.listUri}", "schema-id": 0,
          "summary": {"operation": "append", "added-data-files": "1"}}},
        {"action": "set-snapshot-ref", "ref-name": "main", "type": "branch", "snapshot-id": ${id}}
      ]
    }`;
  }

  it("adds a snapshot and moves main when the requirements hold (CommitTableResponse)", async () => {
    const before = await catalog.loadTable("transactions");
    const rowsBefore = (await before.dataFiles()).reduce((s, f) => s + f.recordCount, 0);
    const id = 7_100_000_000_000_000_123n;
    const append = await writeAppend(id);
    const answer = await call("POST", "/v1/namespaces/default/tables/transactions", commitRequest(id, append));
    expect(answer.status).toBe(200);
    expect(answer.json["metadata-location"]).toBe(store.uriOf(`default/transactions/metadata/v${before.version + 1}.metadata.json`));
    expect(answer.text).toContain(`"current-snapshot-id": ${id}`);
    // lakeloop's own catalog sees the new version and its rows.
    const after = await catalog.loadTable("transactions");
    expect(after.version).toBe(before.version + 1);
    expect((await after.dataFiles()).reduce((s, f) => s + f.recordCount, 0)).toBe(rowsBefore + append.rows);
    expect(after.metadata["metadata-log"].at(-1)!["metadata-file"]).toBe(store.uriOf(before.metadataKey));
    // And a client loading it again gets the id exactly.
    expect((await call("GET", "/v1/namespaces/default/tables/transactions")).text).toContain(`"snapshot-id": ${id}`);
  });

  it("keeps lakeloop's own commits off a table whose ids it would round", async () => {
    const table = await catalog.loadTable("transactions");
    await expect(table.commit({ operation: "append", files: [] })).rejects.toThrow(/cannot commit to table 'default.transactions': its snapshot ids \(such as \d+\) need more than 53 bits/);
    expect((await catalog.loadTable("transactions")).version).toBe(table.version);
  });

  it("refuses a commit whose requirement no longer holds, and changes nothing (409)", async () => {
    const before = await catalog.loadTable("transactions");
    const id = 7_100_000_000_000_000_456n;
    const append = await writeAppend(id);
    const stale = await call("POST", "/v1/namespaces/default/tables/transactions", commitRequest(id, append, 1234));
    expectIcebergError(stale, 409, "CommitFailedException", /'main' is at snapshot .*, not 1234/);
    const wrongUuid = await call("POST", "/v1/namespaces/default/tables/transactions", commitRequest(id, { ...append, baseUuid: randomUUID() }));
    expectIcebergError(wrongUuid, 409, "CommitFailedException", /table-uuid/);
    expect((await catalog.loadTable("transactions")).version).toBe(before.version);
  });

  it("refuses snapshots without their manifest list, unsupported updates and read-only tables (400, 403)", async () => {
    const before = await catalog.loadTable("transactions");
    const id = 7_100_000_000_000_000_789n;
    const append = await writeAppend(id);
    const missing = await call("POST", "/v1/namespaces/default/tables/transactions", commitRequest(id, { ...append, listUri: append.listUri.replace("snap-", "gone-") }));
    expectIcebergError(missing, 400, "BadRequestException", /manifest list .* does not exist/);
    const schema = await call("POST", "/v1/namespaces/default/tables/transactions", JSON.stringify({ requirements: [], updates: [{ action: "add-schema", schema: { type: "struct", fields: [] } }] }));
    expectIcebergError(schema, 400, "BadRequestException", /does not apply 'add-schema' updates/);
    const unknown = await call("POST", "/v1/namespaces/default/tables/transactions", JSON.stringify({ requirements: [{ type: "assert-weather" }], updates: [] }));
    expectIcebergError(unknown, 400, "BadRequestException", /unknown commit requirement 'assert-weather'/);
    const garbage = await call("POST", "/v1/namespaces/default/tables/transactions", "{ not json");
    expectIcebergError(garbage, 400, "BadRequestException", /not JSON/);
    const athena = await call("POST", "/v1/namespaces/athena/tables/example", JSON.stringify({ requirements: [], updates: [] }));
    expectIcebergError(athena, 403, "ForbiddenException", /read-only: its metadata .* follows another catalog's naming/);
    expect((await catalog.loadTable("transactions")).version).toBe(before.version);
  });
});

describe("serving beyond loopback", () => {
  it("refuses to listen on another address without a token or credential", async () => {
    await expect(startCatalogServer({ catalog, listen: "0.0.0.0:0" })).rejects.toThrow(/refusing to serve the lake on 0.0.0.0, beyond this machine, without a token/);
    await expect(startCatalogServer({ catalog, listen: "nonsense" })).rejects.toThrow(/--listen must be host:port/);
  });
});
