// AWS Signature Version 4 for catalogs behind AWS's own Iceberg REST endpoints: the
// Glue Data Catalog (https://glue.<region>.amazonaws.com/iceberg, signing name "glue")
// and S3 Tables (https://s3tables.<region>.amazonaws.com/iceberg, "s3tables"). They take
// no bearer token: every request is signed with the caller's AWS credentials (the
// environment's, else the SDK's default chain: profile, SSO, instance role).
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import "../store/quiet-sdk-version-warning.js";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";

export interface SigV4Settings {
  /** The signing name: "glue", "s3tables", … */
  service: string;
  region: string;
}

/** SHA-256 (or HMAC-SHA-256 with a key) in the shape the signer wants, on node:crypto. */
type Bytes = string | ArrayBuffer | ArrayBufferView;
const asInput = (data: Bytes): string | Uint8Array =>
  typeof data === "string" ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

class Sha256 {
  #hash: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: Bytes) {
    this.secret = secret === undefined ? undefined : asInput(secret);
    this.#hash = this.secret ? createHmac("sha256", this.secret) : createHash("sha256");
  }
  update(data: Bytes): void {
    this.#hash.update(asInput(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {
    this.#hash = this.secret ? createHmac("sha256", this.secret) : createHash("sha256");
  }
}

/** The settings LAKELOOP_CATALOG_SIGV4 (the signing name) asks for; the region from the environment or the host. */
export function sigV4SettingsFrom(env: NodeJS.ProcessEnv, url: URL): SigV4Settings | undefined {
  const service = env.LAKELOOP_CATALOG_SIGV4;
  if (!service) return undefined;
  const fromHost = /^[a-z0-9-]+\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
  const region = env.LAKELOOP_CATALOG_SIGV4_REGION || fromHost || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  return { service, region };
}

export class RequestSigner {
  readonly #signer: SignatureV4;

  constructor(settings: SigV4Settings, env: NodeJS.ProcessEnv) {
    const { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token } = env;
    this.#signer = new SignatureV4({
      service: settings.service,
      region: settings.region,
      // Explicit variables win, as for the lake's S3 store; otherwise the SDK's default chain.
      credentials: id && secret ? { accessKeyId: id, secretAccessKey: secret, sessionToken: token || undefined } : defaultProvider(),
      sha256: Sha256,
      uriEscapePath: true,
    });
  }

  /** The headers to send: the given ones plus host, x-amz-date, x-amz-content-sha256 and authorization. */
  async headers(method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<Record<string, string>> {
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = value;
    const payloadHash = createHash("sha256").update(body ?? "").digest("hex");
    const signed = await this.#signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { ...headers, host: url.host, "x-amz-content-sha256": payloadHash },
      body,
    });
    return signed.headers as Record<string, string>;
  }
}
