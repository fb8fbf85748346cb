import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore, type S3ObjectStoreConfig } from "../../adapters/s3/s3-object-store.ts";
import { type BucketFixture, bucketFixture } from "./bucket-fixture.ts";
import { type MotoServer, startMoto } from "./moto-server.ts";

/** moto accepts any keys, but the SDK wants some. */
export const TEST_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export interface MotoBucket extends BucketFixture<MotoServer, S3ObjectStore, S3ObjectStoreConfig> {
  /** A plain SDK client on moto, to look behind a store's back; `destroy()` it after. */
  client(): S3Client;
}

const sdkClient = (endpoint: string) =>
  new S3Client({ endpoint, forcePathStyle: true, region: "us-east-1", credentials: TEST_CREDENTIALS });

/** A bucket on a moto server of this test file's own (started in `beforeAll`, stopped in `afterAll`). */
export function motoBucketFixture(): MotoBucket {
  const fixture = bucketFixture<MotoServer, S3ObjectStore, S3ObjectStoreConfig>({
    start: startMoto,
    endpointOf: (moto) => moto.endpoint,
    async createBucket(endpoint, bucket) {
      const client = sdkClient(endpoint);
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
      } finally {
        client.destroy();
      }
    },
    open: (endpoint, config) =>
      new S3ObjectStore({ endpoint, forcePathStyle: true, credentials: TEST_CREDENTIALS, ...config }),
  });
  return { ...fixture, client: () => sdkClient(fixture.endpoint()) };
}
