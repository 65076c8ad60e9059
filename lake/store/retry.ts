// Retrying transient object-store failures with exponential backoff and full jitter:
// throttling (429, SlowDown), server errors (5xx), timeouts and dropped connections.
// Anything else (missing object, bad credentials, bad request) fails at once.

export interface RetryPolicy {
  /** Total attempts, the first included (default 5). */
  attempts: number;
  /** Base delay in ms; attempt n waits a random time in [0, base * 2^n] (default 100). */
  baseDelayMs: number;
  /** Upper bound of one wait (default 5000). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5000 };

const RETRYABLE_NAMES = new Set([
  "SlowDown", "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestTimeout",
  "RequestTimeoutException", "InternalError", "ServiceUnavailable", "TimeoutError", "RequestTimeTooSkewed",
]);
const RETRYABLE_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "ECONNREFUSED", "EAI_AGAIN", "ENOTFOUND", "ECONNABORTED", "UND_ERR_SOCKET"]);

export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown; cause?: unknown };
  if (!e || typeof e !== "object") return false;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code && RETRYABLE_CODES.has(e.code)) return true;
  if (e.$retryable) return true;
  return e.cause !== undefined && e.cause !== err && isRetryable(e.cause);
}

export class RetriesExhaustedError extends Error {
  override name = "RetriesExhaustedError";
  readonly code = "STORE_UNAVAILABLE";
  constructor(what: string, attempts: number, cause: unknown) {
    super(`${what} failed after ${attempts} attempts: ${describe(cause)}`, { cause });
  }
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode ? `HTTP ${e.$metadata.httpStatusCode} ` : "";
  return `${status}${e?.name ?? "Error"}: ${e?.message || "(no message)"}`;
}

export async function withRetries<T>(what: string, policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (n + 1 >= policy.attempts) throw new RetriesExhaustedError(what, n + 1, err);
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
    }
  }
}
