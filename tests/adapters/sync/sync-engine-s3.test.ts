import { afterAll, beforeAll, setDefaultTimeout } from "bun:test";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import { syncConformance } from "../../conformance/sync-suite.ts";
import { type MotoServer, startMoto } from "../../support/moto-server.ts";

const BUCKET = "swamp-sync-test";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let moto: MotoServer;
let fixtures = 0;

setDefaultTimeout(60_000);

beforeAll(async () => {
  moto = await startMoto();
  const client = new S3Client({
    endpoint: moto.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials,
  });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  client.destroy();
});

afterAll(async () => {
  await moto?.stop();
});

// Each test gets its own prefix in one bucket.
syncConformance("s3 (moto)", async () => {
  const store = new S3ObjectStore({
    bucket: BUCKET,
    prefix: `sync${++fixtures}`,
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials,
    maxSockets: 16,
  });
  return { store, cleanup: async () => store.close() };
});
