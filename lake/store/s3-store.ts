// Object storage on any S3-compatible endpoint through @aws-sdk/client-s3: ranged
// reads, multipart uploads of large files, conditional put-if-absent (If-None-Match),
// retries of transient failures, and errors that name the bucket, key and endpoint but
// never a secret.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { BucketNotFoundError, CredentialsError, ObjectNotFoundError, RangeError_, StoreError } from "./errors.js";
import type { ByteRange, ObjectInfo, ObjectStore } from "./object-store.js";
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from "./retry.js";
import "./quiet-sdk-version-warning.js";

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing slash ("" for the bucket root). */
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: S3ClientConfig["credentials"];
  retry?: Partial<RetryPolicy>;
  /** Objects larger than this are uploaded in parts of `partSize` (defaults 16 MiB / 8 MiB). */
  multipartThreshold?: number;
  partSize?: number;
  /** Socket timeout of one request in ms (default 30 s). */
  requestTimeoutMs?: number;
  /** Keys per ListObjectsV2 page (default 1000). */
  listPageSize?: number;
}

export class S3Store implements ObjectStore {
  readonly root: string;
  readonly client: S3Client;
  readonly #retry: RetryPolicy;
  readonly #where: string;

  constructor(readonly options: S3StoreOptions) {
    this.root = `s3://${options.bucket}${options.prefix ? "/" + options.prefix : ""}`;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#where = options.endpoint ?? `AWS S3 (${options.region})`;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      maxAttempts: 1, // retries are ours (retry.ts): one policy for every call, testable
      // Without throwOnRequestTimeout the handler only warns when the timeout passes and
      // keeps waiting: a hung request would hang its scan forever instead of being retried.
      requestHandler: new NodeHttpHandler({ requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: 10_000, throwOnRequestTimeout: true }),
    });
  }

  #key(key: string): string {
    return this.options.prefix ? `${this.options.prefix}/${key}` : key;
  }

  async #call<T>(what: string, key: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(`${what} ${key ? `'${key}' ` : ""}on ${this.root} (${this.#where})`, this.#retry, run);
    } catch (err) {
      throw await this.#translate(err, key);
    }
  }

  async #translate(err: unknown, key: string | undefined): Promise<unknown> {
    const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e?.$metadata?.httpStatusCode;
    if (e?.name === "NoSuchBucket") return new BucketNotFoundError(this.options.bucket, this.#where);
    if (e?.name === "NoSuchKey" || (status === 404 && key !== undefined)) return new ObjectNotFoundError(key ?? "", this.root);
    if (["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken", "CredentialsProviderError"].includes(e?.name ?? "") || status === 403) {
      return new CredentialsError(await this.#accessKeyHint(), this.#where, e?.name ?? `HTTP ${status}`);
    }
    return err;
  }

  async #accessKeyHint(): Promise<string> {
    try {
      const creds = await this.client.config.credentials();
      return creds.accessKeyId ? `${creds.accessKeyId.slice(0, 4)}…` : "(none)";
    } catch {
      return "(none found)";
    }
  }

  async get(key: string, range?: ByteRange): Promise<Uint8Array> {
    if (range && range.length === 0) return new Uint8Array(0);
    const header = range ? `bytes=${range.offset}-${range.offset + range.length - 1}` : undefined;
    const bytes = await this.#call("get", key, async () => {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key), Range: header }));
      return (await res.Body!.transformToByteArray()) as Uint8Array;
    }).catch((err: unknown) => {
      if ((err as { name?: string }).name === "InvalidRange") throw new RangeError_(key, range!.offset, range!.length, -1);
      throw err;
    });
    if (range && bytes.byteLength !== range.length) {
      const size = (await this.head(key))?.size ?? -1;
      throw new RangeError_(key, range.offset, range.length, size);
    }
    return bytes;
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      return await this.#call("head", key, async () => {
        const res = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key) }));
        return { key, size: res.ContentLength ?? 0, etag: stripQuotes(res.ETag), lastModified: res.LastModified ?? new Date(0) };
      });
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
  }

  async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    const res = await this.#call("put", key, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key), Body: bytes })));
    return { key, size: bytes.byteLength, etag: stripQuotes(res.ETag), lastModified: new Date() };
  }

  async putFile(key: string, localPath: string): Promise<ObjectInfo> {
    const { size } = await stat(localPath);
    const threshold = this.options.multipartThreshold ?? 16 * 1024 * 1024;
    if (size <= threshold) {
      const { readFile } = await import("node:fs/promises");
      return this.put(key, await readFile(localPath));
    }
    // A multipart upload restarts whole on a retryable failure: parts are not resumable across attempts.
    await this.#call("multipart upload", key, async () => {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.options.bucket, Key: this.#key(key), Body: createReadStream(localPath) },
        partSize: Math.max(5 * 1024 * 1024, this.options.partSize ?? 8 * 1024 * 1024),
        queueSize: 4,
        leavePartsOnError: false,
      });
      await upload.done();
    });
    const info = await this.head(key);
    if (!info) throw new StoreError("UPLOAD_LOST", `upload of '${key}' to ${this.root} finished but the object is missing`);
    return info;
  }

  async putIfAbsent(key: string, body: Uint8Array | string): Promise<boolean> {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    try {
      await this.#call("conditional put", key, () =>
        this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key), Body: bytes, IfNoneMatch: "*" })));
      return true;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === "PreconditionFailed" || e.name === "ConditionalRequestConflict" || e.$metadata?.httpStatusCode === 412 || e.$metadata?.httpStatusCode === 409) return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const strip = this.options.prefix ? this.options.prefix.length + 1 : 0;
    // Pages continue with StartAfter (the last key seen) rather than continuation tokens:
    // equivalent on S3, and understood by more S3-compatible servers.
    let after: string | undefined;
    for (;;) {
      const res = await this.#call("list", prefix, () => this.client.send(new ListObjectsV2Command({
        Bucket: this.options.bucket, Prefix: this.#key(prefix), StartAfter: after, MaxKeys: this.options.listPageSize ?? 1000,
      })));
      const page = res.Contents ?? [];
      for (const obj of page) {
        out.push({ key: obj.Key!.slice(strip), size: obj.Size ?? 0, etag: stripQuotes(obj.ETag), lastModified: obj.LastModified ?? new Date(0) });
      }
      if (!res.IsTruncated || page.length === 0) break;
      after = page[page.length - 1]!.Key;
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.#call("delete", key, () => this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.#key(key) })))
      .catch((err: unknown) => { if (!(err instanceof ObjectNotFoundError)) throw err; });
  }

  uriOf(key: string): string {
    return `${this.root}/${key}`;
  }

  keyOf(uri: string): string {
    if (!uri.startsWith(this.root + "/")) throw new StoreError("FOREIGN_URI", `'${uri}' is not under ${this.root}`);
    return uri.slice(this.root.length + 1);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function stripQuotes(etag: string | undefined): string {
  return (etag ?? "").replace(/^"|"$/g, "");
}
