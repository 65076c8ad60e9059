// Errors of the REST catalog server, in the spec's IcebergErrorResponse shape
// ({"error": {"message", "type", "code"}}), and lakeloop's own errors mapped to them:
// a missing table is NoSuchTableException 404, a lost commit race CommitFailedException
// 409, bad input BadRequestException 400.
import { IcebergError } from "../iceberg/errors.js";

export class RestError extends Error {
  override name = "RestError";
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }

  body(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, code: this.status } });
  }
}

export const badRequest = (message: string) => new RestError(400, "BadRequestException", message);
export const commitFailed = (message: string) => new RestError(409, "CommitFailedException", message);
export const unsupported = (message: string) => new RestError(406, "UnsupportedOperationException", message);

const BY_CODE: Record<string, [number, string]> = {
  TABLE_NOT_FOUND: [404, "NoSuchTableException"],
  BAD_TABLE_NAME: [400, "BadRequestException"],
  COMMIT_CONFLICT: [409, "CommitFailedException"],
  READ_ONLY: [403, "ForbiddenException"],
};

/** The spec's error for anything a handler throws; unknown errors are a 500 without internals. */
export function restErrorOf(err: unknown): RestError {
  if (err instanceof RestError) return err;
  if (err instanceof IcebergError) {
    const [status, type] = BY_CODE[err.code] ?? [500, "InternalServerError"];
    return new RestError(status, type, err.message);
  }
  return new RestError(500, "InternalServerError", `the catalog failed: ${(err as Error).message ?? String(err)}`);
}
