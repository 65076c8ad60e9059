// SigV4-signed catalog requests (Glue, S3 Tables), checked by a verifier written here
// from AWS's description of Signature Version 4 (canonical request, string to sign,
// derived signing key) — not by the signing library — in front of lakeloop's catalog
// server on 127.0.0.1.
import { createHash, createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSample } from "../ingest/sample.js";
import { FileStore } from "../store/file-store.js";
import type { ObjectStore } from "../store/object-store.js";
import { openStore } from "../store/open-store.js";
import { startS3rver, type S3rverHandle } from "../../testing/s3rver.js";
import { startCatalogServer, type CatalogServer } from "./catalog-server.js";
import { openCatalog } from "../open-catalog.js";

const REGION = "eu-west-1";
const SERVICE = "glue";
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Why the request's signature is wrong, or undefined when it is right. */
function verifySigV4(req: IncomingMessage, body: string, accessKey: string, secret: string): string | undefined {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(req.headers.authorization ?? "");
  if (!auth) return `no SigV4 authorization header: ${req.headers.authorization}`;
  const [, key, date, region, service, signedHeaders, signature] = auth as unknown as string[];
  if (key !== accessKey || region !== REGION || service !== SERVICE) return `wrong scope ${key}/${region}/${service}`;
  const amzDate = String(req.headers["x-amz-date"]);
  if (!amzDate.startsWith(date!)) return "x-amz-date does not match the credential's date";
  const names = signedHeaders!.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date")) return `host and x-amz-date must be signed, not only ${signedHeaders}`;
  const url = new URL(req.url ?? "/", "http://x");
  // Every service but S3 signs the path with each segment encoded again.
  const canonicalUri = url.pathname.split("/").map(rfc3986).join("/");
  const canonicalQuery = [...url.searchParams].map(([k, v]) => [rfc3986(k), rfc3986(v)]).sort(([a], [b]) => (a! < b! ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join("&");
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const payloadHash = sha256(body);
  if (req.headers["x-amz-content-sha256"] && req.headers["x-amz-content-sha256"] !== payloadHash) return "x-amz-content-sha256 is not the body's hash";
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, `${date}/${region}/${service}/aws4_request`, sha256(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), "aws4_request");
  const expected = createHmac("sha256", signingKey).update(stringToSign).digest("hex");
  return expected === signature ? undefined : "signature mismatch";
}

let s3: S3rverHandle;
let store: ObjectStore;
let server: CatalogServer;
let proxy: Server;
let proxyUrl: string;
let clientDir: string;
const verified: string[] = [];

beforeAll(async () => {
  s3 = await startS3rver({ bucket: "lake" });
  store = await openStore(s3.uri("warehouse"), s3.env);
  const lake = await openCatalog(store, s3.env);
  await writeSample(lake, { rows: 500, months: 1 });
  server = await startCatalogServer({ catalog: lake, listen: "127.0.0.1:0" });
  clientDir = await mkdtemp(path.join(tmpdir(), "lakeloop-sigv4-"));
  // Like AWS's endpoint: every request must carry a valid signature by the known key.
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const problem = verifySigV4(req, body, s3.env.AWS_ACCESS_KEY_ID!, s3.env.AWS_SECRET_ACCESS_KEY!);
      if (problem) {
        res.writeHead(403, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: problem, type: "ForbiddenException", code: 403 } }));
        return;
      }
      verified.push(`${req.method} ${req.url}`);
      const { authorization: _a, ...headers } = req.headers;
      const upstream = httpRequest(`${server.url}${req.url}`, { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await server?.close();
  await store?.close();
  await s3?.stop();
  await rm(clientDir, { recursive: true, force: true });
});

const sigv4Env = (extra: NodeJS.ProcessEnv = {}) => ({
  ...s3.env, LAKELOOP_CATALOG: proxyUrl, LAKELOOP_CATALOG_WAREHOUSE: "123456789012", LAKELOOP_CATALOG_SIGV4: SERVICE, LAKELOOP_CATALOG_SIGV4_REGION: REGION, ...extra,
});

describe("SigV4-signed REST catalog requests", () => {
  it("lists, loads and reads a table with every request signed", async () => {
    const client = await openCatalog(await FileStore.open(clientDir), sigv4Env());
    expect(await client.listTables()).toEqual(["default.transactions"]);
    expect(await client.tableExists("transactions")).toBe(true);
    const files = await (await client.loadTable("transactions")).dataFiles();
    expect(files.reduce((s, f) => s + f.recordCount, 0)).toBe(500);
    expect(verified).toEqual(expect.arrayContaining([
      "GET /v1/config?warehouse=123456789012", "GET /v1/namespaces", "GET /v1/namespaces/default/tables",
      "HEAD /v1/namespaces/default/tables/transactions", "GET /v1/namespaces/default/tables/transactions",
    ]));
  });

  it("fails in one line when the signature is refused", async () => {
    await expect(openCatalog(await FileStore.open(clientDir), sigv4Env({ AWS_SECRET_ACCESS_KEY: "not-the-secret" })))
      .rejects.toThrow(/refused GET \/v1\/config: 403 ForbiddenException: signature mismatch/);
  });

  it("takes the region from an AWS endpoint's host name", async () => {
    const { sigV4SettingsFrom } = await import("./sigv4.js");
    expect(sigV4SettingsFrom({ LAKELOOP_CATALOG_SIGV4: "s3tables" }, new URL("https://s3tables.ap-southeast-2.amazonaws.com/iceberg")))
      .toEqual({ service: "s3tables", region: "ap-southeast-2" });
    expect(sigV4SettingsFrom({ LAKELOOP_CATALOG_SIGV4: "glue", AWS_REGION: "us-west-2" }, new URL("http://127.0.0.1:1"))).toEqual({ service: "glue", region: "us-west-2" });
    expect(sigV4SettingsFrom({}, new URL("https://glue.us-east-1.amazonaws.com/iceberg"))).toBeUndefined();
  });
});
