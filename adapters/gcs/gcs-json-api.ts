/**
 * The few Cloud Storage JSON API calls an ObjectStore needs, sent with `fetch` and bodies as
 * bytes (docs/architecture.md, "Backends"). The SDK's command stack (streams, hash validators,
 * retry wrappers) cost several times the CPU of the request itself; its credentials are kept:
 * `authorize` hands back the SDK auth client's headers.
 */

/** An answer the server gave with a status outside 2xx, in its own words. */
export class GcsHttpError extends Error {
  override readonly name = "GcsHttpError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface GcsAnswer {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export interface GcsRequest {
  method: "GET" | "POST" | "DELETE";
  /** Under the API root, e.g. `/storage/v1/b/bkt/o`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
}

export interface GcsJsonApiOptions {
  /** `https://storage.googleapis.com`, or a test server's origin. */
  origin: string;
  timeoutMs: number;
  /** Headers that authorize a request (none for a test server). */
  authorize(): Promise<Headers | Record<string, string>>;
}

export class GcsJsonApi {
  constructor(private readonly options: GcsJsonApiOptions) {}

  /** One request; rejects with GcsHttpError on a non-2xx answer, with fetch's own error when none came. */
  async send(request: GcsRequest): Promise<GcsAnswer> {
    const url = new URL(request.path, this.options.origin);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers = new Headers(await this.options.authorize());
    for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const response = await fetch(url, {
      method: request.method,
      headers,
      ...(request.body ? { body: request.body } : {}),
      signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
    });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status < 200 || response.status > 299) {
      throw new GcsHttpError(response.status, errorMessage(response, body));
    }
    return { status: response.status, headers: response.headers, body };
  }
}

/** The JSON API's `error.message`, or the status line when the body is not its error document. */
function errorMessage(response: Response, body: Uint8Array): string {
  const text = new TextDecoder().decode(body);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === "string") return parsed.error.message;
  } catch {
    // Not JSON: a proxy's or load balancer's page.
  }
  return `${response.status} ${response.statusText}`.trim();
}

/** The origin the SDK would use: `apiEndpoint`, else STORAGE_EMULATOR_HOST, else Google's; https when no scheme is given. */
export function gcsOrigin(apiEndpoint: string | undefined, env: Record<string, string | undefined>): string {
  const endpoint = apiEndpoint ?? env.STORAGE_EMULATOR_HOST ?? "storage.googleapis.com";
  return /^https?:\/\//i.test(endpoint) ? endpoint.replace(/\/+$/, "") : `https://${endpoint}`;
}
