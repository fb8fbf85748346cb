import { afterAll, beforeAll } from "bun:test";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import { FAULT_TIMEOUT_MS, storeFaultConformance } from "../../conformance/store-faults-suite.ts";
import { type KeepAliveRelay, startKeepAliveRelay } from "../../support/keep-alive-relay.ts";
import { type MotoServer, startMoto } from "../../support/moto-server.ts";

const BUCKET = "swamp-faults";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let moto: MotoServer;
let relay: KeepAliveRelay;
let fixtures = 0;

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
  // moto closes every connection after one answer; the relay keeps the store's sockets alive.
  relay = startKeepAliveRelay(moto.endpoint);
});

afterAll(async () => {
  await relay?.stop();
  await moto?.stop();
});

storeFaultConformance("s3 (moto)", async () => {
  const prefix = `faults-${++fixtures}`;
  let store: S3ObjectStore | undefined;
  return {
    targetPort: relay.port,
    open(endpoint) {
      store = new S3ObjectStore({
        bucket: BUCKET,
        prefix,
        endpoint,
        forcePathStyle: true,
        credentials,
        requestTimeoutMs: FAULT_TIMEOUT_MS,
      });
      return store;
    },
    cleanup: async () => store?.close(),
  };
});
