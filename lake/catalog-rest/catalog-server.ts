// `lakeloop catalog serve`: the lake as an Iceberg REST catalog (open-api/rest-catalog-
// open-api.yaml of apache/iceberg) for Spark, Trino, PyIceberg and any other client:
// configuration, namespaces, tables, loading a table (its metadata JSON exactly as
// stored, with its metadata-location) and commits (commit-table.ts). Loopback only,
// unless it has a token or client credentials to check.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Catalog } from "../iceberg/catalog.js";
import { IcebergError, TableNotFoundError } from "../iceberg/errors.js";
import { ReachStore } from "../store/reach-store.js";
import { S3Store } from "../store/s3-store.js";
import { isLoopbackHost } from "./client-config.js";
import { commitTable, metadataText } from "./commit-table.js";
import { parseExactJson, sameId, stringifyExactJson } from "./exact-json.js";
import { badRequest, RestError, restErrorOf, unsupported } from "./rest-error.js";
import { ServerAuth, type ServerAuthOptions } from "./server-auth.js";

export interface CatalogServerOptions extends ServerAuthOptions {
  catalog: Catalog;
  /** host:port, default 127.0.0.1:8181; port 0 picks a free one. */
  listen?: string;
  log?: (line: string) => void;
}

export interface CatalogServer {
  /** Base URL clients use, e.g. http://127.0.0.1:8181 */
  url: string;
  close(): Promise<void>;
}

/** What this server implements, in the form /v1/config's `endpoints` lists it. */
const ENDPOINTS = [
  "GET /v1/{prefix}/namespaces",
  "GET /v1/{prefix}/namespaces/{namespace}",
  "HEAD /v1/{prefix}/namespaces/{namespace}",
  "GET /v1/{prefix}/namespaces/{namespace}/tables",
  "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
];

const MAX_BODY = 16 * 1024 * 1024;

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) throw new IcebergError("BAD_LISTEN", `--listen must be host:port (e.g. 127.0.0.1:8181), got '${listen}'`);
  return { host: match[1] ?? (match[2] || "127.0.0.1"), port };
}

export async function startCatalogServer(options: CatalogServerOptions): Promise<CatalogServer> {
  const { host, port } = parseListen(options.listen ?? "127.0.0.1:8181");
  const auth = new ServerAuth(options);
  if (!isLoopbackHost(host) && !auth.required) {
    throw new IcebergError("INSECURE_LISTEN", `refusing to serve the lake on ${host}, beyond this machine, without a token: give --token or --credential (or listen on 127.0.0.1)`);
  }
  const server = createServer((req, res) => {
    handle(options.catalog, auth, req, res).catch((err: unknown) => {
      const error = restErrorOf(err);
      if (error.status >= 500) options.log?.(`catalog: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      send(res, error.status, error.body());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function send(res: ServerResponse, status: number, body?: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RestError(413, "BadRequestException", `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A namespace path segment: levels joined by the unit separator (0x1F); lakeloop's are one level. */
function namespaceOf(segment: string): string[] {
  return segment.split("\x1f");
}

async function handle(catalog: Catalog, auth: ServerAuth, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://catalog");
  const method = req.method ?? "GET";
  const segments = url.pathname.split("/").filter(Boolean).map((s) => decodeURIComponent(s));
  if (segments[0] !== "v1") throw new RestError(404, "NotFoundException", `no route ${url.pathname}; the catalog's routes start with /v1`);
  const route = segments.slice(1);

  if (route[0] === "oauth" && route[1] === "tokens" && route.length === 2) {
    if (method !== "POST") throw unsupported("the token endpoint takes POST");
    const answer = auth.issue(new URLSearchParams(await readBody(req)), req.headers.authorization);
    send(res, answer.status, JSON.stringify(answer.body));
    return;
  }
  auth.check(req.headers.authorization);

  if (route[0] === "config" && route.length === 1 && method === "GET") {
    send(res, 200, JSON.stringify({ defaults: storageDefaults(catalog), overrides: { warehouse: catalog.store.root }, endpoints: ENDPOINTS }));
    return;
  }
  if (route[0] !== "namespaces") throw new RestError(404, "NotFoundException", `no route ${method} ${url.pathname}`);
  const [, namespaceSegment, tables, tableName, ...extra] = route;

  if (namespaceSegment === undefined) {
    if (method !== "GET") throw unsupported("lakeloop's catalog does not create namespaces: a namespace exists while it holds a table");
    const parent = url.searchParams.get("parent");
    const namespaces = await catalog.listNamespaces();
    if (parent) {
      if (!namespaces.includes(parent)) throw new RestError(404, "NoSuchNamespaceException", `namespace '${parent}' does not exist`);
      send(res, 200, JSON.stringify({ namespaces: [] })); // lakeloop's namespaces have one level
      return;
    }
    send(res, 200, JSON.stringify({ namespaces: namespaces.map((n) => [n]) }));
    return;
  }
  const namespace = namespaceOf(namespaceSegment);
  const names = namespace.length === 1 ? await catalog.listTables(namespace[0]) : [];
  if (names.length === 0) throw new RestError(404, "NoSuchNamespaceException", `namespace '${namespace.join(".")}' does not exist`);

  if (tables === undefined) {
    if (method === "HEAD") return send(res, 204);
    if (method !== "GET") throw unsupported("lakeloop's catalog does not change namespaces");
    send(res, 200, JSON.stringify({ namespace, properties: {} }));
    return;
  }
  if (tables !== "tables" || extra.length > 0) throw new RestError(404, "NotFoundException", `no route ${method} ${url.pathname}`);
  if (tableName === undefined) {
    if (method !== "GET") throw unsupported("lakeloop's catalog does not create tables over REST; use 'lakeloop import' or a model with materialize");
    send(res, 200, JSON.stringify({ identifiers: names.map((n) => ({ namespace, name: n.slice(namespace[0]!.length + 1) })) }));
    return;
  }
  const qualified = `${namespace[0]}.${tableName}`;
  if (!names.includes(qualified)) throw new TableNotFoundError(qualified, names, undefined, catalog.store.root);
  if (method === "HEAD") return send(res, 204);
  if (method === "GET") return loadTable(catalog, qualified, url, req, res);
  if (method === "POST") {
    let request: unknown;
    try {
      request = parseExactJson(await readBody(req));
    } catch (err) {
      if (err instanceof RestError) throw err;
      throw badRequest(`the commit is not JSON: ${(err as Error).message}`);
    }
    const committed = await commitTable(catalog, qualified, request);
    send(res, 200, `{"metadata-location":${JSON.stringify(committed.location)},"metadata":${committed.text}}`);
    return;
  }
  throw unsupported(`lakeloop's catalog does not ${method === "DELETE" ? "drop tables over REST; use 'lakeloop drop'" : `answer ${method} on a table`}`);
}

/** LoadTableResult with the metadata file's own text, so 64-bit ids reach the client exactly. */
async function loadTable(catalog: Catalog, name: string, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const table = await catalog.loadTable(name);
  const location = catalog.store.uriOf(table.metadataKey);
  const etag = `"${createHash("sha256").update(location).digest("hex").slice(0, 32)}"`;
  if (req.headers["if-none-match"] === etag) return send(res, 304, undefined, { etag });
  let text = await metadataText(catalog, table);
  const snapshots = url.searchParams.get("snapshots");
  if (snapshots === "refs") {
    const meta = parseExactJson(text) as Record<string, unknown>;
    const referenced = Object.values((meta.refs as Record<string, { "snapshot-id": unknown }> | undefined) ?? {}).map((r) => r["snapshot-id"]);
    meta.snapshots = ((meta.snapshots as { "snapshot-id": unknown }[] | undefined) ?? []).filter((s) => referenced.some((id) => sameId(id, s["snapshot-id"])));
    text = stringifyExactJson(meta);
  } else if (snapshots !== null && snapshots !== "all") {
    throw badRequest(`snapshots must be 'all' or 'refs', not '${snapshots}'`);
  }
  send(res, 200, `{"metadata-location":${JSON.stringify(location)},"metadata":${text},"config":{}}`, { etag });
}

/** How clients reach the lake's objects: the S3 endpoint and region (never its credentials). */
function storageDefaults(catalog: Catalog): Record<string, string> {
  const lake = catalog.store instanceof ReachStore ? catalog.store.lake : catalog.store;
  if (!(lake instanceof S3Store)) return {};
  const { endpoint, region, forcePathStyle } = lake.options;
  return { "client.region": region, ...(endpoint ? { "s3.endpoint": endpoint } : {}), "s3.path-style-access": String(forcePathStyle) };
}
