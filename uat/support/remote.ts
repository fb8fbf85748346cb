import {
  type _Object,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Storage } from "@google-cloud/storage";
import {
  type GcsTestServer,
  type GcsTestServerOptions,
  startGcsTestServer,
} from "../../tests/support/gcs-test-server.ts";
import { startMoto } from "../../tests/support/moto-server.ts";
import { afterThisFile } from "./cleanup.ts";
import type { Env } from "./swamp.ts";
import { startTcpGate } from "./tcp-gate.ts";

export type RemoteKind = "s3" | "gcs";
export const REMOTE_KINDS: readonly RemoteKind[] = ["s3", "gcs"];

/** Credentials for moto; the user's AWS settings never reach the children. */
const AWS_ENV: Env = {
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_REGION: "us-east-1",
  AWS_CA_BUNDLE: undefined,
  AWS_PROFILE: undefined,
};
const GCS_PROJECT = "test";

/**
 * A bucket seen through the vendor's own SDK, not through swamp's stores, so the tests check
 * what really landed in the bucket. Keys are full object names (the swamp prefix included).
 */
export interface BucketClient {
  name: string;
  /** Every object name starting with `prefix`, sorted. */
  keys(prefix?: string): Promise<string[]>;
  /** Every object starting with `prefix` → its stamp (S3: ETag and time; GCS: generation): changes with every write. */
  stamps(prefix?: string): Promise<Record<string, string>>;
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, body: string | Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A storage server on loopback (moto for S3, the project's GCS test server), started once per file. */
export interface RemoteServer {
  kind: RemoteKind;
  /** The server's own address. */
  endpoint: string;
  port: number;
  /** What every swamp child needs to talk to it (credentials). */
  env: Env;
  /** `ds setup <kind> …` for `bucket`, through `endpoint` (default: the server itself). */
  setupArgs(bucket: string, options?: { prefix?: string; endpoint?: string }): string[];
  /** A new, empty bucket with a unique name. */
  createBucket(): Promise<BucketClient>;
  /** Wipes every bucket. */
  reset(): Promise<void>;
  /** Takes the server down as a store outage: connections to `port` are refused until `restart()`. */
  stopServing(): Promise<void>;
  /** Brings the server back on the same port, with the buckets and objects it had when stopped. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

let buckets = 0;
const bucketName = () => `uat-${process.pid}-${++buckets}-${crypto.randomUUID().slice(0, 8)}`;

/**
 * Starts the server for `kind`; stopped after the file. Throws (never skips) if it cannot start.
 * `gcs` options shape the GCS test server's answers (ignored for s3).
 */
export async function startRemote(
  kind: RemoteKind,
  gcs: GcsTestServerOptions = {},
  options: { outages?: boolean } = {},
): Promise<RemoteServer> {
  const server =
    kind === "s3" ? await s3Server(options.outages === true) : gcsServer(await startGcsTestServer(gcs));
  afterThisFile(() => server.stop());
  return server;
}

/**
 * moto, behind a TCP gate when the test takes the store down and back (`outages`): moto keeps
 * its objects in memory, so an outage must not stop it.
 */
async function s3Server(outages: boolean): Promise<RemoteServer> {
  const started = await startMoto();
  const gate = outages ? await startTcpGate(started.port) : null;
  const front = gate ?? started;
  const client = new S3Client({
    endpoint: started.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return {
    kind: "s3",
    endpoint: gate?.url ?? started.endpoint,
    port: front.port,
    env: AWS_ENV,
    setupArgs: (bucket, options = {}) => [
      "datastore",
      "setup",
      "s3",
      "--bucket",
      bucket,
      ...(options.prefix ? ["--prefix", options.prefix] : []),
      "--region",
      "us-east-1",
      "--endpoint",
      options.endpoint ?? gate?.url ?? started.endpoint,
      "--force-path-style",
    ],
    async createBucket() {
      const name = bucketName();
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return s3Bucket(client, name);
    },
    reset: () => started.reset(),
    async stopServing() {
      if (!gate)
        throw new Error("start the S3 server with startRemote('s3', {}, { outages: true }) to take it down");
      await gate.close();
    },
    async restart() {
      if (!gate)
        throw new Error("start the S3 server with startRemote('s3', {}, { outages: true }) to take it down");
      await gate.open();
    },
    async stop() {
      client.destroy();
      await gate?.stop();
      await started.stop();
    },
  };
}

function s3Bucket(client: S3Client, name: string): BucketClient {
  const list = async (prefix: string) => {
    const objects: _Object[] = [];
    let token: string | undefined;
    // 100 pages of 1,000 keys: far more than any test writes.
    for (let page = 0; page < 100; page++) {
      const answer = await client.send(
        new ListObjectsV2Command({ Bucket: name, Prefix: prefix, ContinuationToken: token }),
      );
      objects.push(...(answer.Contents ?? []));
      token = answer.NextContinuationToken;
      if (!answer.IsTruncated || token === undefined) break;
    }
    return objects.filter((object) => object.Key !== undefined);
  };
  return {
    name,
    async keys(prefix = "") {
      return (await list(prefix)).map((object) => object.Key as string).sort();
    },
    async stamps(prefix = "") {
      const objects = await list(prefix);
      return Object.fromEntries(
        objects.map((o) => [o.Key as string, `${o.ETag}@${o.LastModified?.toISOString()}`]),
      );
    },
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: name, Key: key }));
        return (await answer.Body?.transformToByteArray()) ?? new Uint8Array();
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        throw error;
      }
    },
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: name, Key: key, Body: toBytes(body) }));
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: name, Key: key }));
    },
  };
}

function gcsServer(gcs: GcsTestServer): RemoteServer {
  const storage = new Storage({
    apiEndpoint: gcs.url,
    projectId: GCS_PROJECT,
    retryOptions: { autoRetry: false },
  });
  return {
    kind: "gcs",
    endpoint: gcs.url,
    port: gcs.port,
    env: { STORAGE_EMULATOR_HOST: undefined, GOOGLE_APPLICATION_CREDENTIALS: undefined },
    setupArgs: (bucket, options = {}) => [
      "datastore",
      "setup",
      "gcs",
      "--bucket",
      bucket,
      ...(options.prefix ? ["--prefix", options.prefix] : []),
      "--project",
      GCS_PROJECT,
      "--api-endpoint",
      options.endpoint ?? gcs.url,
    ],
    async createBucket() {
      const name = bucketName();
      const [bucket] = await storage.createBucket(name);
      return retryingResets({
        name,
        async keys(prefix = "") {
          const [files] = await bucket.getFiles({ prefix, autoPaginate: true });
          return files.map((f) => f.name).sort();
        },
        async stamps(prefix = "") {
          const [files] = await bucket.getFiles({ prefix, autoPaginate: true });
          return Object.fromEntries(files.map((f) => [f.name, String(f.metadata.generation)]));
        },
        async get(key) {
          try {
            const [bytes] = await bucket.file(key).download();
            return new Uint8Array(bytes);
          } catch (error) {
            if ((error as { code?: number }).code === 404) return null;
            throw error;
          }
        },
        async put(key, body) {
          await bucket.file(key).save(Buffer.from(toBytes(body)), { resumable: false });
        },
        async delete(key) {
          await bucket.file(key).delete({ ignoreNotFound: true });
        },
      });
    },
    reset: async () => gcs.reset(),
    stopServing: () => gcs.stopServing(),
    restart: async () => gcs.serveAgain(),
    stop: () => gcs.stop(),
  };
}

/**
 * The GCS SDK, with its retries off, fails a call whose pooled connection the test server closed
 * as idle just as the call reused it ("read ECONNRESET"): the harness sends such a call again.
 * Every call here is idempotent (reads, whole-object writes, deletes that ignore a missing object).
 */
function retryingResets(bucket: BucketClient): BucketClient {
  const again =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await call(...args);
        } catch (error) {
          if (attempt >= 3 || !isConnectionReset(error)) throw error;
        }
      }
    };
  return {
    name: bucket.name,
    keys: again(bucket.keys),
    stamps: again(bucket.stamps),
    get: again(bucket.get),
    put: again(bucket.put),
    delete: again(bucket.delete),
  };
}

function isConnectionReset(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "ECONNRESET" || code === "EPIPE" || /ECONNRESET|EPIPE|socket hang up/.test(String(message));
}

const toBytes = (body: string | Uint8Array) =>
  typeof body === "string" ? new TextEncoder().encode(body) : body;

/** Lease objects in the bucket (`.datastore.lock`, `.locks/…`, `….lock`) that are not free. */
export async function heldLeaseObjects(bucket: BucketClient, prefix = ""): Promise<string[]> {
  const held: string[] = [];
  for (const key of await bucket.keys(prefix)) {
    if (!key.endsWith(".lock")) continue;
    const body = await bucket.get(key);
    if (body === null) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(body));
    } catch {
      held.push(`${key} (unreadable)`);
      continue;
    }
    if ((doc as { free?: boolean }).free !== true) held.push(`${key}: ${new TextDecoder().decode(body)}`);
  }
  return held;
}
