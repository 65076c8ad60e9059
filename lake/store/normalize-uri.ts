// One spelling per location. Engines record the same object under several schemes:
// Hadoop's s3a:// and s3n:// are S3, `file:/x` (Hadoop) and `file://localhost/x` are
// `file:///x`, and a bare absolute path is a local file. Comparing or routing URIs is
// only sound after this.

const S3_ALIASES = /^s3[an]?:\/\//i;

export function normalizeUri(uri: string): string {
  const trimmed = uri.trim();
  if (S3_ALIASES.test(trimmed)) return "s3://" + trimmed.replace(S3_ALIASES, "");
  if (/^file:\/\/localhost\//i.test(trimmed)) return "file:///" + trimmed.slice("file://localhost/".length);
  if (/^file:\/(?!\/)/i.test(trimmed)) return "file:///" + trimmed.slice("file:/".length);
  if (/^file:\/\/\//i.test(trimmed)) return "file:///" + trimmed.slice("file:///".length);
  if (trimmed.startsWith("/")) return "file://" + trimmed;
  return trimmed;
}

/** A URI with a scheme (s3://b/k, file:///p), as opposed to a key relative to a store's root. */
export function isAbsoluteUri(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(value);
}

/** `uri` without trailing slashes, so that "s3://b/t/" and "s3://b/t" name the same folder. */
export function withoutTrailingSlash(uri: string): string {
  return uri.replace(/\/+$/, "");
}
