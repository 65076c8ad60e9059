// Opens the object store a lake URI names: `file:///abs`, `file://./relative`, a bare
// path, or `s3://bucket/prefix` configured from the standard AWS environment plus
// LAKELOOP_S3_ENDPOINT (any S3-compatible endpoint, path-style when one is set).
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { StoreError } from "./errors.js";
import { FileStore } from "./file-store.js";
import type { ObjectStore } from "./object-store.js";
import { S3Store, type S3StoreOptions } from "./s3-store.js";

const ACCEPTED = "file:///abs/path, file://./relative/path, a plain path, or s3://bucket/prefix";

export async function openStore(uri: string, env: NodeJS.ProcessEnv = process.env, s3Overrides: Partial<S3StoreOptions> = {}): Promise<ObjectStore> {
  if (uri.startsWith("s3://")) return new S3Store({ ...s3OptionsFrom(uri, env), ...s3Overrides });
  return FileStore.open(localLakeDir(uri)!);
}

/** The folder of a local lake URI; undefined for s3://. */
export function localLakeDir(uri: string): string | undefined {
  if (uri.startsWith("s3://")) return undefined;
  if (uri.startsWith("file://")) {
    const rest = uri.slice("file://".length);
    // file://./x and file://x are relative to the working directory; file:///x is absolute.
    return rest.startsWith("/") ? fileURLToPath(uri) : path.resolve(rest);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw new StoreError("BAD_LAKE_URI", `unsupported lake URI '${uri}'; use ${ACCEPTED}`);
  }
  if (uri.trim() === "") throw new StoreError("BAD_LAKE_URI", `empty lake URI; use ${ACCEPTED}`);
  return path.resolve(uri);
}

export function s3OptionsFrom(uri: string, env: NodeJS.ProcessEnv): S3StoreOptions {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match || !match[1]) throw new StoreError("BAD_LAKE_URI", `'${uri}' names no bucket; use s3://bucket/prefix`);
  const endpoint = env.LAKELOOP_S3_ENDPOINT || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const { AWS_ACCESS_KEY_ID: id, AWS_SECRET_ACCESS_KEY: secret, AWS_SESSION_TOKEN: token } = env;
  return {
    bucket: match[1],
    prefix: (match[2] ?? "").replace(/\/+$/, ""),
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    forcePathStyle: endpoint !== undefined || env.LAKELOOP_S3_PATH_STYLE === "1",
    // Explicit variables win; otherwise the SDK's default chain (profiles, instance role).
    credentials: id && secret ? { accessKeyId: id, secretAccessKey: secret, sessionToken: token } : undefined,
  };
}
