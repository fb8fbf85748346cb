import { afterAll, beforeAll } from "bun:test";
import { Storage } from "@google-cloud/storage";
import { GcsObjectStore } from "../../../adapters/gcs/gcs-object-store.ts";
import type { Clock } from "../../../core/ports/clock.ts";
import { lockClientsConformance } from "../../conformance/lock-clients-suite.ts";
import { lockConformance } from "../../conformance/lock-suite.ts";
import { FakeTimeStore, FakeWriteTimes } from "../../support/fake-time-store.ts";
import { type GcsTestServer, startGcsTestServer } from "../../support/gcs-test-server.ts";

const BUCKET = "swamp-leases";
let server: GcsTestServer;
let fixtures = 0;

beforeAll(async () => {
  server = await startGcsTestServer();
  await new Storage({ apiEndpoint: server.url, projectId: "test" }).createBucket(BUCKET);
});

afterAll(async () => {
  await server?.stop();
});

/** Independent GCS clients on one fresh prefix, their answers put on the fake clock. */
function fixture(clock: Clock) {
  const prefix = `lease-${++fixtures}`;
  const writes = new FakeWriteTimes();
  return {
    client: () =>
      new FakeTimeStore(
        new GcsObjectStore({ bucket: BUCKET, prefix, apiEndpoint: server.url, projectId: "test" }),
        clock,
        writes,
      ),
    cleanup: async () => {},
  };
}

// The server's ifGenerationMatch decides every race; the fake clock only ages the objects.
lockConformance("gcs (test server)", async (clock) => {
  const stores = fixture(clock);
  return { store: stores.client(), cleanup: stores.cleanup };
});
lockClientsConformance("gcs (test server)", async (clock) => fixture(clock));
