// HTTP to an Iceberg REST catalog: the catalog's path prefix, bearer tokens (given, or
// obtained and renewed with OAuth2 client credentials), JSON in and out, and errors
// that name the catalog, the request and the catalog's own error type and message,
// never a token or secret.
import { IcebergError } from "../iceberg/errors.js";
import type { RestClientConfig } from "./client-config.js";
import { RequestSigner } from "./sigv4.js";

const DROPPED_CONNECTION = new Set(["UND_ERR_SOCKET", "ECONNRESET", "EPIPE"]);

export class CatalogRequestError extends IcebergError {
  override name = "CatalogRequestError";
  constructor(readonly status: number, readonly type: string, message: string) {
    super(status === 401 || status === 403 ? "CATALOG_AUTH" : "CATALOG_ERROR", message);
  }
}

export interface RestResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses besides 2xx that the caller handles itself (e.g. 404 for "no such table"). */
  accept?: number[];
}

export class RestClient {
  /** The catalog's path prefix from /v1/config ("" when it has none). */
  prefix = "";
  #token: string | undefined;
  /** When the OAuth2 token must be renewed (ms since epoch). */
  #renewAt = Infinity;
  readonly #signer: RequestSigner | undefined;

  /** `env` holds the AWS credentials a SigV4-signing client uses. */
  constructor(readonly config: RestClientConfig, env: NodeJS.ProcessEnv = process.env) {
    this.#token = config.token;
    this.#signer = config.sigv4 && new RequestSigner(config.sigv4, env);
  }

  /** "/v1/<prefix>/<rest>" for a catalog route below the prefix. */
  route(...segments: string[]): string {
    return ["/v1", ...(this.prefix ? [this.prefix] : []), ...segments.map(encodeURIComponent)].join("/");
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<RestResponse<T>> {
    let response = await this.#send(method, path, options);
    if (response.status === 401 && this.config.credential) {
      // The token expired or was revoked: one new token, one more try.
      this.#token = undefined;
      response = await this.#send(method, path, options);
    }
    const text = await response.text();
    if (!response.ok && !(options.accept ?? []).includes(response.status)) throw this.#error(method, path, response.status, text);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CatalogRequestError(response.status, "BadResponse", `the REST catalog at ${this.config.uri} answered ${method} ${path} with something that is not JSON (${response.status}): ${text.slice(0, 120)}`);
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  async #send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = new URL(this.config.uri + path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
    let headers: Record<string, string> = { accept: "application/json", ...options.headers };
    const token = await this.#currentToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.#signer) {
      // fetch sets Host itself, to the same value the signature covers.
      const { host: _host, ...signed } = await this.#signer.headers(method, url, headers, body);
      headers = signed;
    }
    return this.#fetch(url.href, { method, headers, body }, `${method} ${path}`);
  }

  async #fetch(url: string, init: RequestInit, what: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetch(url, { ...init, signal: AbortSignal.timeout(this.config.timeoutMs) });
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        // A kept-alive connection the catalog closed (it restarted): a read goes again on a new one.
        const idempotent = init.method === "GET" || init.method === "HEAD";
        if (attempt === 0 && idempotent && DROPPED_CONNECTION.has(e.cause?.code ?? "")) continue;
        const reason = e.name === "TimeoutError" ? `no answer within ${this.config.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
        throw new IcebergError("CATALOG_UNREACHABLE", `cannot reach the Iceberg REST catalog at ${this.config.uri} (${what}): ${reason}`);
      }
    }
  }

  async #currentToken(): Promise<string | undefined> {
    if (this.config.credential && (!this.#token || Date.now() >= this.#renewAt)) await this.#fetchToken();
    return this.#token;
  }

  /** OAuth2 client credentials (RFC 6749 4.4) against the catalog's token endpoint. */
  async #fetchToken(): Promise<void> {
    const { id, secret } = this.config.credential!;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: id, client_secret: secret, scope: this.config.scope });
    const response = await this.#fetch(this.config.oauth2Uri, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form.toString(),
    }, "POST token");
    const text = await response.text();
    let answer: { access_token?: string; expires_in?: number; error?: string; error_description?: string } = {};
    try {
      answer = JSON.parse(text);
    } catch {
      // reported below
    }
    if (!response.ok || !answer.access_token) {
      throw new CatalogRequestError(response.status, answer.error ?? "OAuthError", `the token endpoint ${this.config.oauth2Uri} refused client '${id}' (${response.status}` +
        `${answer.error ? ` ${answer.error}` : ""}${answer.error_description ? `: ${answer.error_description}` : ""}); check LAKELOOP_CATALOG_CREDENTIAL`);
    }
    this.#token = answer.access_token;
    // Renew a little before it expires, so a request is not sent with a token about to lapse.
    this.#renewAt = answer.expires_in ? Date.now() + Math.max(0, answer.expires_in - 30) * 1000 : Infinity;
  }

  #error(method: string, path: string, status: number, text: string): CatalogRequestError {
    let type = `HTTP ${status}`;
    let message = text.slice(0, 200);
    try {
      const error = (JSON.parse(text) as { error?: { type?: string; message?: string } }).error;
      if (error?.type) type = error.type;
      if (error?.message) message = error.message;
    } catch {
      // not the spec's error shape: keep the start of the text
    }
    const hint = status === 401 || status === 403 ? " (check LAKELOOP_CATALOG_TOKEN or LAKELOOP_CATALOG_CREDENTIAL)" : "";
    return new CatalogRequestError(status, type, `the REST catalog at ${this.config.uri} refused ${method} ${path}: ${status} ${type}: ${message}${hint}`);
  }
}
