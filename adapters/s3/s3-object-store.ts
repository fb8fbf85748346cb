import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
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
const SERVER_DATE = Symbol("serverDate");

type Dated = { [SERVER_DATE]?: number };

/**
 * An ObjectStore on S3 or any S3-compatible server. Preconditions are `If-None-Match: *`
 * and `If-Match: <etag>`; the version is the ETag; `serverNow` is the HTTP `Date` of the
 * same answer. SDK retries are off: retries are a decorator (RetryingObjectStore).
 */
export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly #client: S3Client;
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

    const maxSockets = config.maxSockets ?? DEFAULT_MAX_SOCKETS;
    this.#client = new S3Client({
      ...(config.region ? { region: config.region } : config.endpoint ? { region: "us-east-1" } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      forcePathStyle: config.forcePathStyle ?? false,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
        connectionTimeout: Math.min(this.#timeoutMs, 10_000),
        requestTimeout: this.#timeoutMs,
        throwOnRequestTimeout: true,
        // Covers a body that stalls after the headers came, which requestTimeout does not.
        socketTimeout: this.#timeoutMs,
      }),
    });
    // Outputs drop the response headers; keep the Date, the store's own clock for staleness.
    this.#client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const date = (result.response as { headers?: Record<string, string> }).headers?.date;
        const at = date ? Date.parse(date) : Number.NaN;
        if (Number.isFinite(at) && typeof result.output === "object" && result.output !== null) {
          Object.defineProperty(result.output, SERVER_DATE, { value: at });
        }
        return result;
      },
      { step: "finalizeRequest", name: "swampServerDate" },
    );
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.#client.destroy();
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    try {
      const out = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#keys.toRemote(key) }),
        { abortSignal: signal },
      );
      return this.#info(key, out.ContentLength, out.ETag, out.LastModified, out);
    } catch (error) {
      // A HEAD answer has no body to name the error, so a missing bucket also reads as no object.
      if (httpStatusOf(error) === 404) return null;
      throw this.#failed("HEAD", key, error, signal);
    }
  }

  async get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    try {
      const out = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#keys.toRemote(key) }),
        { abortSignal: signal },
      );
      const body = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
      return { ...this.#info(key, body.byteLength, out.ETag, out.LastModified, out), body };
    } catch (error) {
      if (errorName(error) === "NoSuchKey") return null;
      throw this.#failed("GET", key, error, signal);
    }
  }

  async put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    const condition = when ? ("absent" in when ? { IfNoneMatch: "*" } : { IfMatch: when.version }) : {};
    const command = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: this.#keys.toRemote(key),
      Body: body,
      ContentLength: body.byteLength,
      ContentType: "application/octet-stream",
      ...condition,
    });
    return this.#conditional("PUT", key, when, signal, async () => {
      const out = await this.#client.send(command, { abortSignal: signal });
      return out.ETag ?? "";
    });
  }

  async delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    const command = new DeleteObjectCommand({
      Bucket: this.#bucket,
      Key: this.#keys.toRemote(key),
      ...(when ? { IfMatch: when.version } : {}),
    });
    return this.#conditional("DELETE", key, when, signal, async () => {
      await this.#client.send(command, { abortSignal: signal });
      return when?.version ?? "";
    });
  }

  async *list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    for (let page = 0; page < 1_000_000; page++) {
      let out: ListObjectsV2CommandOutput;
      try {
        out = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: this.#keys.toRemote(prefix),
            ...(token
              ? { ContinuationToken: token }
              : after !== undefined
                ? { StartAfter: this.#keys.toRemote(after) }
                : {}),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw this.#failed("LIST", prefix, error, signal);
      }
      for (const item of out.Contents ?? []) {
        if (item.Key === undefined) continue;
        yield this.#info(this.#keys.fromRemote(item.Key), item.Size, item.ETag, item.LastModified, out);
      }
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
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

  #info(
    key: string,
    size: number | undefined,
    etag: string | undefined,
    lastModified: Date | undefined,
    answer: object,
  ): ObjectInfo {
    const info: ObjectInfo = {
      key,
      size: size ?? 0,
      version: etag ?? "",
      serverNow: (answer as Dated)[SERVER_DATE] ?? Date.now(),
    };
    const modifiedAt = lastModified?.getTime();
    if (modifiedAt !== undefined && Number.isFinite(modifiedAt)) info.modifiedAt = modifiedAt;
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
