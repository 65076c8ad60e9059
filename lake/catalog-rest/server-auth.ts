// Who may use the catalog server: anyone on loopback when it has no secret; otherwise a
// request bears a token, either the static one (--token) or one issued by the
// server's OAuth2 client-credentials endpoint (/v1/oauth/tokens) to the configured
// client id and secret. Secrets are compared in constant time.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { RestError } from "./rest-error.js";

export interface ServerAuthOptions {
  token?: string;
  credential?: { id: string; secret: string };
  /** Lifetime of issued tokens in seconds (default one hour). */
  tokenLifetimeSeconds?: number;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class ServerAuth {
  /** Issued tokens and when each expires (ms since epoch). */
  readonly #issued = new Map<string, number>();

  constructor(private readonly options: ServerAuthOptions) {}

  get required(): boolean {
    return Boolean(this.options.token || this.options.credential);
  }

  /** Throws 401 unless the Authorization header bears a valid token. */
  check(authorization: string | undefined): void {
    if (!this.required) return;
    const token = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
    if (token && this.options.token && same(token, this.options.token)) return;
    const expires = token ? this.#issued.get(token) : undefined;
    if (expires !== undefined && Date.now() < expires) return;
    if (token) this.#issued.delete(token);
    throw new RestError(401, "NotAuthorizedException", token ? "the bearer token is not valid (expired or unknown)" : "this catalog needs a bearer token");
  }

  /** The token endpoint: grant_type=client_credentials with the configured client. */
  issue(form: URLSearchParams, authorization: string | undefined): { status: number; body: object } {
    const fail = (status: number, error: string, description: string) => ({ status, body: { error, error_description: description } });
    if (!this.options.credential) return fail(400, "unsupported_grant_type", "this catalog issues no tokens; use its static bearer token");
    if (form.get("grant_type") !== "client_credentials") return fail(400, "unsupported_grant_type", "only grant_type=client_credentials is supported");
    // The client may authenticate in the body or, as OAuth2 recommends, with HTTP Basic.
    let id = form.get("client_id") ?? "";
    let secret = form.get("client_secret") ?? "";
    const basic = /^Basic (.+)$/i.exec(authorization ?? "")?.[1];
    if (basic) {
      const decoded = Buffer.from(basic, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      [id, secret] = [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
    }
    if (!same(id, this.options.credential.id) || !same(secret, this.options.credential.secret)) return fail(401, "invalid_client", "unknown client id or wrong secret");
    const lifetime = this.options.tokenLifetimeSeconds ?? 3600;
    const token = randomBytes(32).toString("base64url");
    const now = Date.now();
    for (const [t, expires] of this.#issued) if (expires <= now) this.#issued.delete(t);
    this.#issued.set(token, now + lifetime * 1000);
    return { status: 200, body: { access_token: token, token_type: "bearer", expires_in: lifetime, issued_token_type: "urn:ietf:params:oauth:token-type:access_token" } };
  }
}
