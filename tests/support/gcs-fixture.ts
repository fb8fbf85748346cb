import { type Bucket, Storage } from "@google-cloud/storage";
import { GcsObjectStore, type GcsObjectStoreConfig } from "../../adapters/gcs/gcs-object-store.ts";
import { type BucketFixture, bucketFixture } from "./bucket-fixture.ts";
import { type GcsTestServer, type GcsTestServerOptions, startGcsTestServer } from "./gcs-test-server.ts";

export interface GcsTestBucket extends BucketFixture<GcsTestServer, GcsObjectStore, GcsObjectStoreConfig> {
  /** The bucket through the plain SDK, to look behind a store's back. */
  sdkBucket(): Bucket;
}

const sdkBucket = (endpoint: string, bucket: string) =>
  new Storage({ apiEndpoint: endpoint, projectId: "test" }).bucket(bucket);

/** A bucket on a GCS test server of this test file's own (started in `beforeAll`, stopped in `afterAll`). */
export function gcsBucketFixture(options: GcsTestServerOptions = {}): GcsTestBucket {
  const fixture = bucketFixture<GcsTestServer, GcsObjectStore, GcsObjectStoreConfig>({
    start: () => startGcsTestServer(options),
    endpointOf: (server) => server.url,
    async createBucket(endpoint, bucket) {
      await sdkBucket(endpoint, bucket).create();
    },
    open: (apiEndpoint, config) => new GcsObjectStore({ apiEndpoint, projectId: "test", ...config }),
  });
  return { ...fixture, sdkBucket: () => sdkBucket(fixture.endpoint(), fixture.bucket) };
}
