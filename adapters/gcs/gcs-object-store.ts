import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";
import { KeyPrefix } from "../store-decorators/key-prefix.ts";
import { httpStatusOf, isTimeout, storeRequestFailed } from "../store-decorators/transient-error.ts";
import { crc32cBase64 } from "./crc32c.ts";
import { type GcsAnswer, GcsJsonApi, gcsOrigin } from "./gcs-json-api.ts";
import { multipartUpload } from "./gcs-multipart.ts";
import { sdkAuthorization } from "./gcs-sdk-auth.ts";

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

/**
 * An ObjectStore on Google Cloud Storage's JSON API (gcs-json-api.ts; credentials from the SDK's
 * auth client, none for an emulator or test server, as the SDK does). Preconditions are
 * `ifGenerationMatch` (0 for create-only); the version is the generation. `serverNow` is the
 * HTTP `Date` of the same answer. `modifiedAt` is whole seconds everywhere, because a media read
 * only carries `Last-Modified`; a media read without it has no `modifiedAt` (the metadata's
 * `updated` is a HEAD away, for the one caller that needs it). Uploads carry their CRC32C, which
 * the server checks before it stores anything; downloads are checked against `x-goog-hash`.
 * Retries are a decorator (RetryingObjectStore).
 */
export class GcsObjectStore implements ObjectStore {
  readonly description: string;
  readonly #api: GcsJsonApi;
  readonly #bucketPath: string;
  readonly #keys: KeyPrefix;
  readonly #timeoutMs: number;
  readonly #endpoint: string;

  constructor(config: GcsObjectStoreConfig, env: Record<string, string | undefined> = process.env) {
    this.#keys = new KeyPrefix(config.prefix);
    this.#timeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const custom = config.apiEndpoint ?? env.STORAGE_EMULATOR_HOST;
    this.#endpoint = custom ?? "storage.googleapis.com";
    const where = this.#keys.root ? `${config.bucket}/${this.#keys.root}` : config.bucket;
    this.description = `gs://${where}${config.apiEndpoint ? ` (endpoint ${config.apiEndpoint})` : ""}`;
    this.#bucketPath = `/b/${encodeURIComponent(config.bucket)}`;
    this.#api = new GcsJsonApi({
      origin: gcsOrigin(config.apiEndpoint, env),
      timeoutMs: this.#timeoutMs,
      authorize: custom === undefined ? sdkAuthorization(config.projectId) : async () => ({}),
    });
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    try {
      const answer = await this.#api.send({ method: "GET", path: this.#objectPath(key), signal });
      return this.#info(key, parseJson<ObjectResource>(answer), answer.headers);
    } catch (error) {
      if (this.#isMissingObject(error)) return null;
      throw this.#failed("HEAD", key, error, signal);
    }
  }

  async get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    try {
      const answer = await this.#api.send({
        method: "GET",
        path: this.#objectPath(key),
        query: { alt: "media" },
        signal,
      });
      checkCrc32c(answer);
      const object: StoredObject = {
        key,
        size: answer.body.byteLength,
        version: answer.headers.get("x-goog-generation") ?? "",
        serverNow: serverDate(answer.headers),
        body: answer.body,
      };
      const lastModified = Date.parse(answer.headers.get("last-modified") ?? "");
      if (Number.isFinite(lastModified)) object.modifiedAt = lastModified;
      return object;
    } catch (error) {
      if (this.#isMissingObject(error)) return null;
      throw this.#failed("GET", key, error, signal);
    }
  }

  async put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    const ifGenerationMatch = when ? ("absent" in when ? 0 : when.version) : undefined;
    const name = this.#keys.toRemote(key);
    const upload = multipartUpload(
      { name, contentType: "application/octet-stream", crc32c: crc32cBase64(body) },
      body,
    );
    try {
      const answer = await this.#api.send({
        method: "POST",
        path: `/upload/storage/v1${this.#bucketPath}/o`,
        // The name in the query too: what a request log or proxy sees names the object.
        query: { uploadType: "multipart", name, ifGenerationMatch },
        headers: { "content-type": upload.contentType },
        body: upload.body,
        signal,
      });
      return { ok: true, version: String(parseJson<ObjectResource>(answer).generation ?? "") };
    } catch (error) {
      if (when && httpStatusOf(error) === 412) return this.#lost(key, when, signal);
      throw this.#failed("PUT", key, error, signal);
    }
  }

  async delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    try {
      await this.#api.send({
        method: "DELETE",
        path: this.#objectPath(key),
        query: { ifGenerationMatch: when?.version },
        signal,
      });
      return { ok: true, version: when?.version ?? "" };
    } catch (error) {
      if (when && httpStatusOf(error) === 412) return { ok: false, reason: "changed" };
      if (this.#isMissingObject(error))
        return when ? { ok: false, reason: "missing" } : { ok: true, version: "" };
      throw this.#failed("DELETE", key, error, signal);
    }
  }

  async *list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    const startOffset = after === undefined ? undefined : this.#keys.toRemote(after);
    let pageToken: string | undefined;
    for (let page = 0; page < 1_000_000; page++) {
      let answer: GcsAnswer;
      try {
        answer = await this.#api.send({
          method: "GET",
          path: `/storage/v1${this.#bucketPath}/o`,
          query: { prefix: this.#keys.toRemote(prefix), maxResults: LIST_PAGE, pageToken, startOffset },
          signal,
        });
      } catch (error) {
        throw this.#failed("LIST", prefix, error, signal);
      }
      const body = parseJson<ListPage>(answer);
      for (const item of body.items ?? []) {
        // startOffset is inclusive; the port wants keys strictly after `after`.
        if (item.name === undefined || item.name === startOffset) continue;
        yield this.#info(this.#keys.fromRemote(item.name), item, answer.headers);
      }
      pageToken = body.nextPageToken;
      if (!pageToken) return;
    }
  }

  #objectPath(key: string): string {
    return `/storage/v1${this.#bucketPath}/o/${encodeURIComponent(this.#keys.toRemote(key))}`;
  }

  /**
   * A 412 on a `{version}` write does not say whether the object changed or is gone, so a
   * failed replace looks once more (only on that failure path) to tell the two apart.
   */
  async #lost(key: string, when: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    if ("absent" in when) return { ok: false, reason: "exists" };
    return { ok: false, reason: (await this.head(key, signal)) ? "changed" : "missing" };
  }

  #info(key: string, resource: ObjectResource, headers: Headers): ObjectInfo {
    const info: ObjectInfo = {
      key,
      size: Number(resource.size ?? 0),
      version: String(resource.generation ?? ""),
      serverNow: serverDate(headers),
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
    const reason = `${error instanceof Error ? error.name : "Error"}: ${messageOf(error)}`;
    return storeRequestFailed(this.description, `GCS ${operation}`, key, error, this.#hint(error), reason);
  }

  #hint(error: unknown): string {
    const status = httpStatusOf(error);
    const message = messageOf(error);
    if (isTimeout(error) || /timeout|timed out/i.test(message)) {
      return `The server at ${this.#endpoint} did not answer within ${this.#timeoutMs} ms; check that it is reachable, or raise requestTimeoutMs (SWAMP_GCS_REQUEST_TIMEOUT_MS).`;
    }
    if (status === 404) {
      return `The bucket does not exist; create it or fix it with \`swamp datastore setup gcs --bucket …\`.`;
    }
    if (status === 401 || status === 403 || /default credentials/i.test(message)) {
      return "Check the Google credentials (`gcloud auth application-default login`) and the bucket's permissions.";
    }
    if (status === undefined) return `Check that ${this.#endpoint} is reachable from this machine.`;
    return "Run `swamp datastore status` to check the datastore, then retry.";
  }
}

/** The answer's HTTP `Date`; the local clock only if a server leaves it out. */
function serverDate(headers: Headers): number {
  const at = Date.parse(headers.get("date") ?? "");
  return Number.isFinite(at) ? at : Date.now();
}

function parseJson<T>(answer: GcsAnswer): T {
  return (answer.body.byteLength === 0 ? {} : JSON.parse(new TextDecoder().decode(answer.body))) as T;
}

/** A media read whose bytes do not match the CRC32C the server sent was damaged on the way: retried. */
function checkCrc32c(answer: GcsAnswer): void {
  const sent = /(?:^|,)\s*crc32c=([^,\s]+)/.exec(answer.headers.get("x-goog-hash") ?? "")?.[1];
  if (sent === undefined || sent === crc32cBase64(answer.body)) return;
  const error = new Error(`the content's CRC32C is not the ${sent} the server sent (damaged on the way)`);
  error.name = "ChecksumMismatch";
  throw error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
