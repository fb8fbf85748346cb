import { RetryingObjectStore } from "../adapters/store-decorators/retrying-object-store.ts";
import type { GcsBackend, S3Backend } from "../core/datastore-config.ts";
import type { Clock } from "../core/ports/clock.ts";
import type { ObjectStore } from "../core/ports/object-store.ts";
import { pullConcurrency, pushConcurrency, requestTimeoutMs } from "../core/tunables.ts";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The bucket as an ObjectStore, retried on transient failures. The SDKs are imported here,
 * lazily, so filesystem commands never load them.
 */
export async function openRemoteStore(
  backend: S3Backend | GcsBackend,
  env: Env,
  clock: Clock,
): Promise<ObjectStore> {
  const timeout = requestTimeoutMs(env, backend.kind, backend);
  let inner: ObjectStore;
  if (backend.kind === "s3") {
    const { S3ObjectStore } = await import("../adapters/s3/s3-object-store.ts");
    inner = new S3ObjectStore({
      bucket: backend.bucket,
      ...(backend.prefix ? { prefix: backend.prefix } : {}),
      ...(backend.region ? { region: backend.region } : {}),
      ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
      ...(backend.forcePathStyle !== undefined ? { forcePathStyle: backend.forcePathStyle } : {}),
      requestTimeoutMs: timeout,
      maxSockets: Math.max(pullConcurrency(backend), pushConcurrency(backend)),
    });
  } else {
    const { GcsObjectStore } = await import("../adapters/gcs/gcs-object-store.ts");
    inner = new GcsObjectStore({
      bucket: backend.bucket,
      ...(backend.prefix ? { prefix: backend.prefix } : {}),
      ...(backend.projectId ? { projectId: backend.projectId } : {}),
      ...(backend.apiEndpoint ? { apiEndpoint: backend.apiEndpoint } : {}),
      requestTimeoutMs: timeout,
    });
  }
  return new RetryingObjectStore(inner, { clock, random: Math.random });
}
