import { afterAll, beforeAll } from "bun:test";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import type { Clock } from "../../../core/ports/clock.ts";
import { lockClientsConformance } from "../../conformance/lock-clients-suite.ts";
import { lockConformance } from "../../conformance/lock-suite.ts";
import { FakeTimeStore, FakeWriteTimes } from "../../support/fake-time-store.ts";
import { type MotoServer, startMoto } from "../../support/moto-server.ts";

const BUCKET = "swamp-leases";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let moto: MotoServer;
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
});

afterAll(async () => {
  await moto?.stop();
});

/** Independent S3 clients on one fresh prefix, their answers put on the fake clock. */
function fixture(clock: Clock) {
  const prefix = `lease-${++fixtures}`;
  const writes = new FakeWriteTimes();
  const opened: S3ObjectStore[] = [];
  return {
    client() {
      const store = new S3ObjectStore({
        bucket: BUCKET,
        prefix,
        endpoint: moto.endpoint,
        forcePathStyle: true,
        credentials,
      });
      opened.push(store);
      return new FakeTimeStore(store, clock, writes);
    },
    async cleanup() {
      for (const store of opened) store.close();
    },
  };
}

// moto's If-None-Match / If-Match decide every race; the fake clock only ages the objects.
lockConformance("s3 (moto)", async (clock) => {
  const stores = fixture(clock);
  return { store: stores.client(), cleanup: stores.cleanup };
});
lockClientsConformance("s3 (moto)", async (clock) => fixture(clock));
