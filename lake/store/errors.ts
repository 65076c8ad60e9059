// Errors of object storage. Each names the key and the store it concerns, and none
// ever carries a secret (credentials are reduced to a short access-key prefix).

export class StoreError extends Error {
  override name = "StoreError";
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ObjectNotFoundError extends StoreError {
  override name = "ObjectNotFoundError";
  constructor(readonly key: string, readonly root: string) {
    super("OBJECT_NOT_FOUND", `no object '${key}' in ${root}`);
  }
}

export class BucketNotFoundError extends StoreError {
  override name = "BucketNotFoundError";
  constructor(readonly bucket: string, endpoint: string) {
    super("BUCKET_NOT_FOUND", `bucket '${bucket}' does not exist at ${endpoint}`);
  }
}

export class CredentialsError extends StoreError {
  override name = "CredentialsError";
  constructor(accessKeyHint: string, endpoint: string, detail: string) {
    super("BAD_CREDENTIALS", `the object store at ${endpoint} refused the credentials (access key ${accessKeyHint}): ${detail}. ` +
      "Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the profile, or the instance role.");
  }
}

export class RangeError_ extends StoreError {
  override name = "RangeError";
  constructor(key: string, offset: number, length: number, size: number) {
    super("BAD_RANGE", `range ${offset}+${length} is outside object '${key}' of ${size} bytes`);
  }
}
