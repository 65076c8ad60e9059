// How lakeloop reaches an Iceberg REST catalog, from the environment:
//   LAKELOOP_CATALOG             the catalog's base URL (http://127.0.0.1:8181, https://host/api/catalog)
//   LAKELOOP_CATALOG_WAREHOUSE   the warehouse to ask /v1/config for
//   LAKELOOP_CATALOG_TOKEN       a bearer token, or
//   LAKELOOP_CATALOG_CREDENTIAL  id:secret for OAuth2 client credentials
//   LAKELOOP_CATALOG_OAUTH2_URI  the token endpoint (default <catalog>/v1/oauth/tokens)
//   LAKELOOP_CATALOG_SCOPE       the OAuth2 scope (default "catalog")
//   LAKELOOP_CATALOG_TIMEOUT_MS  one request's limit (default 30000)
//   LAKELOOP_CATALOG_SIGV4       sign requests with AWS SigV4 under this name ("glue",
//                                "s3tables") instead of a token; LAKELOOP_CATALOG_SIGV4_REGION
// Credentials are never sent in clear text to another machine: http:// is for loopback
// addresses unless LAKELOOP_CATALOG_ALLOW_HTTP=1.
import { IcebergError } from "../iceberg/errors.js";
import { sigV4SettingsFrom, type SigV4Settings } from "./sigv4.js";

export interface RestClientConfig {
  /** Base URL without a trailing slash. */
  uri: string;
  warehouse?: string;
  token?: string;
  credential?: { id: string; secret: string };
  oauth2Uri: string;
  scope: string;
  timeoutMs: number;
  /** AWS SigV4 signing (Glue, S3 Tables) instead of tokens. */
  sigv4?: SigV4Settings;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

export function restClientConfigFrom(env: NodeJS.ProcessEnv): RestClientConfig {
  const raw = env.LAKELOOP_CATALOG ?? "";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new IcebergError("BAD_CATALOG_URI", `LAKELOOP_CATALOG (or --catalog) is '${raw}', not a URL; use http://host:port or https://host/path of an Iceberg REST catalog`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new IcebergError("BAD_CATALOG_URI", `the REST catalog URL '${raw}' must start with http:// or https://`);
  }
  const uri = url.href.replace(/\/+$/, "");
  const credentialText = env.LAKELOOP_CATALOG_CREDENTIAL;
  let credential: RestClientConfig["credential"];
  if (credentialText) {
    const colon = credentialText.indexOf(":");
    if (colon <= 0 || colon === credentialText.length - 1) {
      throw new IcebergError("BAD_CATALOG_CREDENTIAL", "LAKELOOP_CATALOG_CREDENTIAL must be client-id:client-secret");
    }
    credential = { id: credentialText.slice(0, colon), secret: credentialText.slice(colon + 1) };
  }
  const token = env.LAKELOOP_CATALOG_TOKEN || undefined;
  const sigv4 = sigV4SettingsFrom(env, url);
  if ((token || credential || sigv4) && url.protocol === "http:" && !isLoopbackHost(url.hostname) && env.LAKELOOP_CATALOG_ALLOW_HTTP !== "1") {
    throw new IcebergError("INSECURE_CATALOG_URI", `refusing to send catalog credentials over plain http to ${url.host}; use https:// (or set LAKELOOP_CATALOG_ALLOW_HTTP=1 on a network you trust)`);
  }
  const timeout = Number(env.LAKELOOP_CATALOG_TIMEOUT_MS);
  return {
    uri,
    warehouse: env.LAKELOOP_CATALOG_WAREHOUSE || undefined,
    token,
    credential,
    oauth2Uri: env.LAKELOOP_CATALOG_OAUTH2_URI || `${uri}/v1/oauth/tokens`,
    scope: env.LAKELOOP_CATALOG_SCOPE || "catalog",
    timeoutMs: timeout > 0 ? timeout : 30_000,
    sigv4,
  };
}
