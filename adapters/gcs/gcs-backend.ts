import { type GcsBackend, gcsBackend } from "../../core/backends/gcs.ts";
import type { BackendAdapter } from "../backends/backend-adapter.ts";
import { BucketHealth } from "../backends/bucket-health.ts";

/** Google Cloud Storage over its JSON API; the SDK loads only for the credentials of Google's own endpoint. */
export const gcsBackendAdapter: BackendAdapter<GcsBackend> = {
  kind: "gcs",
  async open(config, deps) {
    const tunables = gcsBackend.placement.tunables(config, deps.env);
    const { GcsObjectStore } = await import("./gcs-object-store.ts");
    return new GcsObjectStore(
      {
        bucket: config.bucket,
        ...(config.prefix ? { prefix: config.prefix } : {}),
        ...(config.projectId ? { projectId: config.projectId } : {}),
        ...(config.apiEndpoint ? { apiEndpoint: config.apiEndpoint } : {}),
        requestTimeoutMs: tunables.requestTimeoutMs,
      },
      deps.env,
    );
  },
  transientFailures: true,
  verifier: (_config, store) => new BucketHealth(store),
};
