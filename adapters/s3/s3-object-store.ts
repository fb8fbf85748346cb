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
import { LeanS3Client } from "./s3-lean-client.ts";
import { parseListPage } from "./s3-xml.ts";
import type { S3Answer, S3Request } from "./signed-request.ts";

export interface S3ObjectStoreConfig {
  bucket: string;
  prefix?: string;
  region?: string;
  /** An S3-compatible server (MinIO, moto, …); AWS when absent. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Per request, connection included. Default 30 000 ms. */
  requestTimeoutMs?: number;
  /** Keep-alive sockets in the pool: the transfer concurrency. Default 50. */
  maxSockets?: number;
  /** Only for tests against a local server; otherwise the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_SOCKETS = 50;
/** A 409 ConditionalRequestConflict means another conditional write on the key is in flight. */
const CONFLICT_ATTEMPTS = 3;

/**
 * An ObjectStore on S3 or any S3-compatible server. Preconditions are `If-None-Match: *`
 * and `If-Match: <etag>`; the version is the ETag; `serverNow` is the HTTP `Date` of the
 * same answer. Requests are signed and sent by LeanS3Client; there are no retries here:
 * retries are a decorator (RetryingObjectStore).
 */
export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly #client: LeanS3Client;
  readonly #bucket: string;
  readonly #keys: KeyPrefix;
  readonly #timeoutMs: number;
  readonly #site: StoreSite;

  constructor(config: S3ObjectStoreConfig) {
    this.#bucket = config.bucket;
    this.#keys = new KeyPrefix(config.prefix);
    this.#timeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#site = {
      kind: "s3",
      bucket: config.bucket,
      endpoint: config.endpoint ?? "AWS S3",
      timeoutMs: this.#timeoutMs,
      timeoutVariable: "SWAMP_S3_REQUEST_TIMEOUT_MS",
      credentialsCheck: "`aws sts get-caller-identity`",
      bucketMissing: (error) => errorName(error) === "NoSuchBucket",
    };
    const where = this.#keys.root ? `${config.bucket}/${this.#keys.root}` : config.bucket;
    this.description = `s3://${where}${config.endpoint ? ` (endpoint ${config.endpoint})` : ""}`;
    this.#client = new LeanS3Client({
      bucket: config.bucket,
      ...(config.region ? { region: config.region } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.forcePathStyle !== undefined ? { forcePathStyle: config.forcePathStyle } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      timeoutMs: this.#timeoutMs,
      maxSockets: config.maxSockets ?? DEFAULT_MAX_SOCKETS,
    });
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.#client.close();
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    try {
      const answer = await this.#client.send({ method: "HEAD", key: this.#keys.toRemote(key) }, signal);
      return this.#info(key, Number(answer.headers["content-length"] ?? 0), answer);
    } catch (error) {
      // A HEAD answer has no body to name the error, so a missing bucket also reads as no object.
      if (httpStatusOf(error) === 404) return null;
      throw this.#failed("HEAD", key, error, signal);
    }
  }

  async get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    try {
      const answer = await this.#client.send({ method: "GET", key: this.#keys.toRemote(key) }, signal);
      return { ...this.#info(key, answer.body.byteLength, answer), body: answer.body };
    } catch (error) {
      if (errorName(error) === "NoSuchKey") return null;
      throw this.#failed("GET", key, error, signal);
    }
  }

  async put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (when && "absent" in when) headers["if-none-match"] = "*";
    else if (when) headers["if-match"] = when.version;
    const request: S3Request = { method: "PUT", key: this.#keys.toRemote(key), headers, body };
    return this.#conditional("PUT", key, when, signal, async () => {
      const answer = await this.#client.send(request, signal);
      return answer.headers.etag ?? "";
    });
  }

  async delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    const request: S3Request = {
      method: "DELETE",
      key: this.#keys.toRemote(key),
      ...(when ? { headers: { "if-match": when.version } } : {}),
    };
    return this.#conditional("DELETE", key, when, signal, async () => {
      await this.#client.send(request, signal);
      return when?.version ?? "";
    });
  }

  async *list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    for (let page = 0; page < 1_000_000; page++) {
      const query: Record<string, string> = { "list-type": "2", prefix: this.#keys.toRemote(prefix) };
      if (token) query["continuation-token"] = token;
      else if (after !== undefined) query["start-after"] = this.#keys.toRemote(after);
      let answer: S3Answer;
      try {
        answer = await this.#client.send({ method: "GET", query }, signal);
      } catch (error) {
        throw this.#failed("LIST", prefix, error, signal);
      }
      const listed = parseListPage(new TextDecoder().decode(answer.body));
      for (const item of listed.objects) {
        yield this.#info(this.#keys.fromRemote(item.key), item.size, answer, item.etag, item.lastModified);
      }
      token = listed.nextToken;
      if (!token) return;
    }
  }

  /**
   * Runs a conditional write and maps the answers the port names: 412 is "exists" for a
   * create-only write and "changed" otherwise; 404 NoSuchKey on an If-Match is "missing";
   * a 409 ConditionalRequestConflict is retried a few times, then reported like a 412.
   */
  async #conditional(
    operation: string,
    key: string,
    when: Precondition | undefined,
    signal: AbortSignal | undefined,
    send: () => Promise<string>,
  ): Promise<WriteResult> {
    const lost = when && "absent" in when ? "exists" : "changed";
    for (let attempt = 1; ; attempt++) {
      try {
        return { ok: true, version: await send() };
      } catch (error) {
        const status = httpStatusOf(error);
        if (when && status === 412) return { ok: false, reason: lost };
        if (when && "version" in when && errorName(error) === "NoSuchKey")
          return { ok: false, reason: "missing" };
        if (when && status === 409 && errorName(error) === "ConditionalRequestConflict") {
          if (attempt < CONFLICT_ATTEMPTS) continue;
          return { ok: false, reason: lost };
        }
        throw this.#failed(operation, key, error, signal);
      }
    }
  }

  /** What an answer says of one object: its own headers, or a listing's entry (`etag`, `lastModified`). */
  #info(
    key: string,
    size: number,
    answer: S3Answer,
    etag = answer.headers.etag,
    lastModified = Date.parse(answer.headers["last-modified"] ?? ""),
  ): ObjectInfo {
    const date = Date.parse(answer.headers.date ?? "");
    const info: ObjectInfo = {
      key,
      size,
      version: etag ?? "",
      serverNow: Number.isFinite(date) ? date : Date.now(),
    };
    if (Number.isFinite(lastModified)) info.modifiedAt = lastModified;
    return info;
  }

  #failed(operation: string, key: string, error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    return storeRequestFailed(
      this.description,
      `S3 ${operation}`,
      key,
      error,
      plainFailure(error, this.#site),
    );
  }
}

function errorName(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as { name?: string }).name : undefined;
}
