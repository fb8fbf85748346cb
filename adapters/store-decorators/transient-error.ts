import { SwampError } from "../../core/errors.ts";

/**
 * The one place that decides which store failures are worth retrying: 5xx, 429 and 408
 * answers, timeouts, and connections that were refused, reset or dropped. Works on the
 * SDKs' own errors (AWS `$metadata.httpStatusCode`, GCS `code`, Node/Bun socket codes) and
 * on the `store_unavailable` errors the stores wrap them in.
 */
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
  "ConnectionRefused",
  "ConnectionClosed",
  "FailedToOpenSocket",
]);

// ChecksumMismatch: a body damaged on the way (a GCS media read checked against its CRC32C).
const TRANSIENT_NAMES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "SlowDown",
  "ChecksumMismatch",
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  statusCode?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  response?: { status?: unknown; statusCode?: unknown };
}

/** The HTTP status an SDK error carries, if it came from an answer at all. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as ErrorShape;
  for (const value of [
    e.$metadata?.httpStatusCode,
    e.status,
    e.statusCode,
    e.code,
    e.response?.status,
    e.response?.statusCode,
  ]) {
    if (typeof value === "number" && value >= 100 && value < 600) return value;
  }
  return undefined;
}

/** True when the error says the request timed out before an answer came. */
export function isTimeout(error: unknown): boolean {
  return someCause(
    error,
    (e) => e.name === "TimeoutError" || e.code === "ETIMEDOUT" || e.code === "ESOCKETTIMEDOUT",
  );
}

export function isTransient(error: unknown): boolean {
  if (error instanceof SwampError && typeof error.details?.transient === "boolean")
    return error.details.transient;
  return someCause(error, (e) => {
    const status = httpStatusOf(e);
    if (status !== undefined) return status >= 500 || status === 429 || status === 408;
    // Checked before the name: the GCS SDK's own timeout is an "AbortError" with code ETIMEDOUT.
    if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
    if (typeof e.name === "string" && TRANSIENT_NAMES.has(e.name)) return true;
    if (e.name === "AbortError") return false;
    return (
      typeof e.message === "string" &&
      /socket hang up|connection (was )?(reset|closed|refused)/i.test(e.message)
    );
  });
}

/** Tests `error` and the errors it wraps (`cause`), a few levels deep. */
function someCause(error: unknown, test: (e: ErrorShape) => boolean): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const e = current as ErrorShape;
    if (test(e)) return true;
    current = e.cause;
  }
  return false;
}

/**
 * Wraps an SDK failure into the error callers see: what failed where, the SDK's words, and
 * what to do. Keeps the classification (`details.transient`) and the original as `cause`.
 */
export function storeRequestFailed(
  store: string,
  operation: string,
  key: string,
  cause: unknown,
  hint: string,
  reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
): SwampError {
  const words = reason.replace(/\.+$/, "");
  const status = httpStatusOf(cause);
  const error = new SwampError(
    "store_unavailable",
    `${operation} ${key || "(root)"} on ${store} failed: ${words}. ${hint}`,
    { store, operation, key, transient: isTransient(cause), ...(status === undefined ? {} : { status }) },
  );
  error.cause = cause;
  return error;
}
