import { type S3Backend, s3Backend } from "../../core/backends/s3.ts";
import type { BackendAdapter } from "../backends/backend-adapter.ts";
import { BucketHealth } from "../backends/bucket-health.ts";

/** S3 and S3-compatible servers. The AWS SDK loads only when a store opens. */
export const s3BackendAdapter: BackendAdapter<S3Backend> = {
  kind: "s3",
  async open(config, deps) {
    const tunables = s3Backend.placement.tunables(config, deps.env);
    const { S3ObjectStore } = await import("./s3-object-store.ts");
    return new S3ObjectStore({
      bucket: config.bucket,
      ...(config.prefix ? { prefix: config.prefix } : {}),
      ...(config.region ? { region: config.region } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.forcePathStyle !== undefined ? { forcePathStyle: config.forcePathStyle } : {}),
      requestTimeoutMs: tunables.requestTimeoutMs,
      maxSockets: Math.max(tunables.pullConcurrency, tunables.pushConcurrency),
    });
  },
  transientFailures: true,
  verifier: (_config, store) => new BucketHealth(store),
};
