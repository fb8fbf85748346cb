import { type Bucket, Storage } from "@google-cloud/storage";
import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";
import { KeyPrefix } from "../store-decorators/key-prefix.ts";
import { plainFailure, type StoreSite } from "../store-decorators/plain-failure.ts";
import { httpStatusOf, storeRequestFailed } from "../store-decorators/transient-error.ts";

export interface GcsObjectStoreConfig {
  bucket: string;
  prefix?: string;
  projectId?: string;
  /** An emulator or test server; no credentials are used then. `STORAGE_EMULATOR_HOST` works too. */
  apiEndpoint?: string;
  /** Per request. Default 30 000 ms. */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const LIST_PAGE = 1000;

interface ObjectResource {
  name?: string;
  size?: string | number;
  generation?: string | number;
  updated?: string;
}

interface ListPage {
  items?: ObjectResource[];
  nextPageToken?: string;
}

type HeaderSource = { headers?: Headers | Record<string, string | string[] | undefined> } | undefined;

/**
 * An ObjectStore on Google Cloud Storage. Preconditions are `ifGenerationMatch` (0 for
 * create-only); the version is the generation. `serverNow` is the HTTP `Date` of the same
 * answer. `modifiedAt` is whole seconds everywhere, because a media read only carries
 * `Last-Modified`; a media read without it has no `modifiedAt` (the metadata's `updated` is a
 * HEAD away, for the one caller that needs it). SDK retries are off: retries are a decorator (RetryingObjectStore). The
 * SDK takes no AbortSignal, so an abort stops waiting and lets the request time out.
 */
export class GcsObjectStore implements ObjectStore {
  readonly description: string;
  readonly #bucket: Bucket;
  readonly #keys: KeyPrefix;
  readonly #timeoutMs: number;
  readonly #site: StoreSite;

  constructor(config: GcsObjectStoreConfig) {
    this.#keys = new KeyPrefix(config.prefix);
    this.#timeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#site = {
      kind: "gcs",
      bucket: config.bucket,
      endpoint: config.apiEndpoint ?? process.env.STORAGE_EMULATOR_HOST ?? "storage.googleapis.com",
      timeoutMs: this.#timeoutMs,
      timeoutVariable: "SWAMP_GCS_REQUEST_TIMEOUT_MS",
      credentialsCheck: "`gcloud auth application-default login`",
      // A missing object is answered before this (null, or a refused precondition).
      bucketMissing: (error) => httpStatusOf(error) === 404,
      messageOf,
    };
    const where = this.#keys.root ? `${config.bucket}/${this.#keys.root}` : config.bucket;
    this.description = `gs://${where}${config.apiEndpoint ? ` (endpoint ${config.apiEndpoint})` : ""}`;
    const storage = new Storage({
      ...(config.projectId ? { projectId: config.projectId } : {}),
      ...(config.apiEndpoint ? { apiEndpoint: config.apiEndpoint } : {}),
      timeout: this.#timeoutMs,
      retryOptions: { autoRetry: false },
    });
    this.#bucket = storage.bucket(config.bucket);
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    try {
      const [metadata, response] = await untilAborted(
        this.#bucket.file(this.#keys.toRemote(key)).getMetadata(),
        signal,
      );
      return this.#info(key, metadata, response as HeaderSource);
    } catch (error) {
      if (this.#isMissingObject(error)) return null;
      throw this.#failed("HEAD", key, error, signal);
    }
  }

  async get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    try {
      const { body, headers } = await this.#download(key, signal);
      const object: StoredObject = {
        key,
        size: body.byteLength,
        version: header(headers, "x-goog-generation") ?? "",
        serverNow: serverDate(headers),
        body,
      };
      const lastModified = Date.parse(header(headers, "last-modified") ?? "");
      if (Number.isFinite(lastModified)) object.modifiedAt = lastModified;
      return object;
    } catch (error) {
      if (this.#isMissingObject(error)) return null;
      throw this.#failed("GET", key, error, signal);
    }
  }

  async put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    const file = this.#bucket.file(this.#keys.toRemote(key));
    const ifGenerationMatch = when ? ("absent" in when ? 0 : when.version) : undefined;
    try {
      await untilAborted(
        file.save(Buffer.from(body.buffer, body.byteOffset, body.byteLength), {
          resumable: false,
          validation: "crc32c",
          contentType: "application/octet-stream",
          ...(ifGenerationMatch === undefined ? {} : { preconditionOpts: { ifGenerationMatch } }),
        }),
        signal,
      );
      return { ok: true, version: String(file.metadata.generation ?? "") };
    } catch (error) {
      if (when && httpStatusOf(error) === 412) return this.#lost(key, when, signal);
      throw this.#failed("PUT", key, error, signal);
    }
  }

  async delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    const file = this.#bucket.file(this.#keys.toRemote(key));
    try {
      await untilAborted(
        file.delete(when ? { ifGenerationMatch: when.version } : { ignoreNotFound: true }),
        signal,
      );
      return { ok: true, version: when?.version ?? "" };
    } catch (error) {
      if (when && httpStatusOf(error) === 412) return { ok: false, reason: "changed" };
      if (when && this.#isMissingObject(error)) return { ok: false, reason: "missing" };
      throw this.#failed("DELETE", key, error, signal);
    }
  }

  async *list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    const startOffset = after === undefined ? undefined : this.#keys.toRemote(after);
    let pageToken: string | undefined;
    for (let page = 0; page < 1_000_000; page++) {
      const qs = {
        prefix: this.#keys.toRemote(prefix),
        maxResults: LIST_PAGE,
        ...(pageToken ? { pageToken } : {}),
        ...(startOffset === undefined ? {} : { startOffset }),
      };
      let answer: { body: ListPage; response: HeaderSource };
      try {
        answer = await untilAborted(this.#request({ uri: "/o", qs }), signal);
      } catch (error) {
        throw this.#failed("LIST", prefix, error, signal);
      }
      for (const item of answer.body.items ?? []) {
        // startOffset is inclusive; the port wants keys strictly after `after`.
        if (item.name === undefined || item.name === startOffset) continue;
        yield this.#info(this.#keys.fromRemote(item.name), item, answer.response);
      }
      pageToken = answer.body.nextPageToken;
      if (!pageToken) return;
    }
  }

  /** The bucket's raw JSON API call, which, unlike `getFiles`, also hands back the answer's headers. */
  #request(options: {
    uri: string;
    qs: Record<string, unknown>;
  }): Promise<{ body: ListPage; response: HeaderSource }> {
    return new Promise((resolve, reject) => {
      this.#bucket.request(options, (error, body, response) => {
        if (error) reject(error);
        else resolve({ body: (body ?? {}) as ListPage, response: response as HeaderSource });
      });
    });
  }

  #download(key: string, signal?: AbortSignal): Promise<{ body: Uint8Array; headers: HeaderSource }> {
    const stream = this.#bucket.file(this.#keys.toRemote(key)).createReadStream({ validation: "crc32c" });
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let headers: HeaderSource;
      const onAbort = () => stream.destroy(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      stream.on("response", (response: HeaderSource) => {
        headers = response;
      });
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error) => {
        done();
        reject(error);
      });
      stream.on("end", () => {
        done();
        resolve({ body: new Uint8Array(Buffer.concat(chunks)), headers });
      });
    });
  }

  /**
   * A 412 on a `{version}` write does not say whether the object changed or is gone, so a
   * failed replace looks once more (only on that failure path) to tell the two apart.
   */
  async #lost(key: string, when: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    if ("absent" in when) return { ok: false, reason: "exists" };
    return { ok: false, reason: (await this.head(key, signal)) ? "changed" : "missing" };
  }

  #info(key: string, resource: ObjectResource, response: HeaderSource): ObjectInfo {
    const info: ObjectInfo = {
      key,
      size: Number(resource.size ?? 0),
      version: String(resource.generation ?? ""),
      serverNow: serverDate(response),
    };
    const updated = Date.parse(resource.updated ?? "");
    if (Number.isFinite(updated)) info.modifiedAt = Math.floor(updated / 1000) * 1000;
    return info;
  }

  #isMissingObject(error: unknown): boolean {
    return httpStatusOf(error) === 404 && !/bucket does not exist/i.test(messageOf(error));
  }

  #failed(operation: string, key: string, error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    return storeRequestFailed(
      this.description,
      `GCS ${operation}`,
      key,
      error,
      plainFailure(error, this.#site),
    );
  }
}

function header(source: HeaderSource, name: string): string | undefined {
  const headers = source?.headers;
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The answer's HTTP `Date`; the local clock only if a server leaves it out. */
function serverDate(source: HeaderSource): number {
  const at = Date.parse(header(source, "date") ?? "");
  return Number.isFinite(at) ? at : Date.now();
}

/** The server's own words: a failed media read carries the raw JSON error body as its message. */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(message) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === "string" ? parsed.error.message : message;
  } catch {
    return message;
  }
}

/** Rejects with the signal's reason when it aborts first; the SDK call itself runs on to its timeout. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
