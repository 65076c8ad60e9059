// lakeloop's REST catalog client against `lakeloop catalog serve` on 127.0.0.1: the
// same tables, metadata, files and scan plans as the lake-folder catalog gives, with
// OAuth2 client credentials or a bearer token, a path prefix and S3 credentials handed
// out by the catalog; and clear one-line errors when it cannot be reached or refuses.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Catalog } from "../iceberg/catalog.js";
import { putFixtureTable } from "../../testing/iceberg-fixtures.js";
import { describeTable } from "../ingest/describe.js";
import { writeSample } from "../ingest/sample.js";
import { planScan } from "../scan/plan-scan.js";
import { FileStore } from "../store/file-store.js";
import type { ObjectStore } from "../store/object-store.js";
import { openStore } from "../store/open-store.js";
import { startS3rver, type S3rverHandle } from "../../testing/s3rver.js";
import { startCatalogServer, type CatalogServer } from "./catalog-server.js";
import { RestCatalog } from "./rest-catalog.js";
import { openCatalog } from "../open-catalog.js";

let s3: S3rverHandle;
let lakeStore: ObjectStore;
let lake: Catalog;
let server: CatalogServer;
let clientDir: string;
const CREDENTIAL = { id: "lakeloop-test", secret: "not-a-real-secret-42" };

beforeAll(async () => {
  s3 = await startS3rver({ bucket: "lake" });
  lakeStore = await openStore(s3.uri("warehouse"), s3.env);
  lake = await openCatalog(lakeStore, s3.env);
  await writeSample(lake, { rows: 3000, months: 3 });
  await putFixtureTable(lakeStore, "icebird/athena/example", "athena/example");
  server = await startCatalogServer({ catalog: lake, listen: "127.0.0.1:0", credential: CREDENTIAL });
  clientDir = await mkdtemp(path.join(tmpdir(), "lakeloop-rest-client-"));
});
afterAll(async () => {
  await server?.close();
  await lakeStore?.close();
  await s3?.stop();
  await rm(clientDir, { recursive: true, force: true });
});

/** A lakeloop whose own lake is an empty local folder: its tables can only come from the catalog. */
async function openClient(env: NodeJS.ProcessEnv): Promise<Catalog> {
  return openCatalog(await FileStore.open(clientDir), { ...s3.env, ...env });
}
const withCredential = (url = server.url) => ({ LAKELOOP_CATALOG: url, LAKELOOP_CATALOG_CREDENTIAL: `${CREDENTIAL.id}:${CREDENTIAL.secret}` });

describe("lakeloop's REST client against lakeloop catalog serve", () => {
  it("lists the lake's namespaces and tables", async () => {
    const client = await openClient(withCredential());
    expect(client).toBeInstanceOf(RestCatalog);
    expect(await client.listNamespaces()).toEqual(["athena", "default"]);
    expect(await client.listTables()).toEqual(await lake.listTables());
    expect(await client.listTables("athena")).toEqual(["athena.example"]);
    expect(await client.tableExists("transactions")).toBe(true);
    expect(await client.tableExists("nothing")).toBe(false);
  });

  it("loads the same metadata, files and scan plans as the lake folder gives", async () => {
    const client = await openClient(withCredential());
    const theirs = await client.loadTable("transactions");
    const ours = await lake.loadTable("transactions");
    expect(theirs.metadata).toEqual(ours.metadata);
    expect(theirs.metadataKey).toBe(lakeStore.uriOf(ours.metadataKey));
    expect((await theirs.dataFiles()).map((f) => f.path)).toEqual((await ours.dataFiles()).map((f) => f.path));
    expect((await describeTable(theirs)).rows).toBe(3000);
    const plan = await planScan(client, { table: "transactions", columns: ["id", "usd"], filter: "eventTime < '2023-02-01'" });
    const same = await planScan(lake, { table: "transactions", columns: ["id", "usd"], filter: "eventTime < '2023-02-01'" });
    expect(plan.files.map((f) => [f.file.path, f.rowGroups.map((g) => g.chunks.map((c) => [c.offset, c.length]))]))
      .toEqual(same.files.map((f) => [f.file.path, f.rowGroups.map((g) => g.chunks.map((c) => [c.offset, c.length]))]));
    for (const file of plan.files) expect((await client.store.head(file.key))?.size).toBe(file.file.fileSizeBytes);
  });

  it("reads a table another engine wrote, through the catalog", async () => {
    const client = await openClient(withCredential());
    const athena = await client.loadTable("athena.example");
    expect(athena.metadata.location).toBe("s3://hyperparam-iceberg/athena/example");
    const plan = await planScan(client, { table: "athena.example" });
    expect(plan.files.map((f) => f.file.path)).toEqual([expect.stringMatching(/^s3:\/\/lake\/warehouse\/athena\/example\/data\/sNoYhg\/.*\.parquet$/)]);
    expect(await client.store.head(plan.files[0]!.key)).toBeDefined();
  });

  it("says what is missing, with a suggestion", async () => {
    const client = await openClient(withCredential());
    await expect(client.loadTable("transaction")).rejects.toThrow(/table 'transaction' does not exist \(did you mean 'transactions'\?\)/);
  });

  it("keeps the catalog's tables read-only", async () => {
    const client = await openClient(withCredential());
    const table = await client.loadTable("transactions");
    await expect(table.commit({ operation: "append", files: [] })).rejects.toThrow(/read-only: tables of a REST catalog are read-only in lakeloop/);
    await expect(client.createTable("x", [{ name: "a", type: "int", required: false }])).rejects.toThrow(/cannot create table 'x'/);
    await expect(client.dropTable("transactions")).rejects.toThrow(/cannot drop table 'transactions'/);
  });
});

describe("authentication and errors", () => {
  it("refuses without credentials, and says which variables to set", async () => {
    await expect(openClient({ LAKELOOP_CATALOG: server.url })).rejects.toThrow(/refused GET \/v1\/config: 401 NotAuthorizedException: .*check LAKELOOP_CATALOG_TOKEN or LAKELOOP_CATALOG_CREDENTIAL/);
  });

  it("names the client, never the secret, when the token endpoint refuses it", async () => {
    const err = await openClient({ LAKELOOP_CATALOG: server.url, LAKELOOP_CATALOG_CREDENTIAL: `${CREDENTIAL.id}:wrong-secret-value` }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/the token endpoint .*\/v1\/oauth\/tokens refused client 'lakeloop-test' \(401 invalid_client/);
    expect((err as Error).message).not.toContain("wrong-secret-value");
  });

  it("uses a static bearer token", async () => {
    const withToken = await startCatalogServer({ catalog: lake, listen: "127.0.0.1:0", token: "tok-123" });
    try {
      const client = await openClient({ LAKELOOP_CATALOG: withToken.url, LAKELOOP_CATALOG_TOKEN: "tok-123" });
      expect(await client.listTables()).toEqual(["athena.example", "default.transactions"]);
      await expect(openClient({ LAKELOOP_CATALOG: withToken.url, LAKELOOP_CATALOG_TOKEN: "tok-999" })).rejects.toThrow(/401 NotAuthorizedException: the bearer token is not valid/);
    } finally {
      await withToken.close();
    }
  });

  it("gets a new token when the catalog no longer knows its old one", async () => {
    const first = await startCatalogServer({ catalog: lake, listen: "127.0.0.1:0", credential: CREDENTIAL });
    const port = new URL(first.url).port;
    const client = await openClient(withCredential(first.url));
    expect(await client.tableExists("transactions")).toBe(true);
    await first.close();
    // Restarted on the same port, the catalog has forgotten every token it issued.
    const second = await startCatalogServer({ catalog: lake, listen: `127.0.0.1:${port}`, credential: CREDENTIAL });
    try {
      expect(await client.listTables("default")).toEqual(["default.transactions"]);
    } finally {
      await second.close();
    }
  });

  it("says when the catalog cannot be reached, or is not a URL", async () => {
    const closed = await startCatalogServer({ catalog: lake, listen: "127.0.0.1:0" });
    await closed.close();
    await expect(openClient({ LAKELOOP_CATALOG: closed.url })).rejects.toThrow(new RegExp(`cannot reach the Iceberg REST catalog at ${closed.url} \\(GET /v1/config\\): ECONNREFUSED`));
    await expect(openClient({ LAKELOOP_CATALOG: "catalog.example.com" })).rejects.toThrow(/is 'catalog.example.com', not a URL/);
    await expect(openClient({ LAKELOOP_CATALOG: "http://10.1.2.3:8181", LAKELOOP_CATALOG_TOKEN: "t" })).rejects.toThrow(/refusing to send catalog credentials over plain http to 10.1.2.3:8181/);
  });
});

describe("a catalog with a path prefix that hands out S3 credentials", () => {
  let proxy: Server;
  let proxyUrl: string;
  beforeAll(async () => {
    // In front of lakeloop's server: routes under /v1/wh1/…, as /v1/config's prefix says, and
    // each loaded table carries the S3 credentials its files need (vended credentials).
    proxy = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://proxy");
      const target = url.pathname.replace(/^\/v1\/wh1\//, "/v1/");
      const isConfig = url.pathname === "/v1/config";
      if (!isConfig && target === url.pathname && !url.pathname.startsWith("/v1/oauth/")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `no route ${url.pathname}`, type: "NotFoundException", code: 404 } }));
        return;
      }
      const upstream = httpRequest(`${server.url}${target}${url.search}`, { method: req.method, headers: req.headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () => {
          let body = Buffer.concat(chunks).toString("utf8");
          if (answer.statusCode === 200 && isConfig) {
            const config = JSON.parse(body);
            body = JSON.stringify({ ...config, overrides: { ...config.overrides, prefix: "wh1" } });
          } else if (answer.statusCode === 200 && /\/tables\/[^/]+$/.test(target) && req.method === "GET") {
            expect(req.headers["x-iceberg-access-delegation"]).toBe("vended-credentials");
            body = body.replace(/"config":\{\}\}$/, `"config":{"s3.access-key-id":"S3RVER","s3.secret-access-key":"S3RVER","client.region":"us-east-1"}}`);
          }
          res.writeHead(answer.statusCode ?? 500, { "content-type": "application/json" });
          res.end(body);
        });
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise((resolve) => proxy.close(resolve)); });

  it("routes below the prefix and reads the files with the credentials the catalog gave", async () => {
    // No S3 credentials nor endpoint of its own: the endpoint comes from /v1/config, the keys with the table.
    const client = await openCatalog(await FileStore.open(clientDir), { ...withCredential(proxyUrl), AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", LAKELOOP_S3_ENDPOINT: "" });
    expect(await client.listTables()).toEqual(["athena.example", "default.transactions"]);
    const table = await client.loadTable("transactions");
    const files = await table.dataFiles();
    expect(files.reduce((s, f) => s + f.recordCount, 0)).toBe(3000);
    for (const file of files) expect((await client.store.head(client.store.keyOf(file.path)))?.size).toBe(file.fileSizeBytes);
  });
});
