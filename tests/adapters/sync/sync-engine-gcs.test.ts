import { afterAll, beforeAll, setDefaultTimeout } from "bun:test";
import { Storage } from "@google-cloud/storage";
import { GcsObjectStore } from "../../../adapters/gcs/gcs-object-store.ts";
import { syncConformance } from "../../conformance/sync-suite.ts";
import { type GcsTestServer, startGcsTestServer } from "../../support/gcs-test-server.ts";

const BUCKET = "swamp-sync-test";
let server: GcsTestServer;
let fixtures = 0;

setDefaultTimeout(60_000);

beforeAll(async () => {
  server = await startGcsTestServer();
  await new Storage({ apiEndpoint: server.url, projectId: "test" }).createBucket(BUCKET);
});

afterAll(async () => {
  await server?.stop();
});

// Each test gets its own prefix in one bucket.
syncConformance("gcs (test server)", async () => ({
  store: new GcsObjectStore({
    bucket: BUCKET,
    prefix: `sync${++fixtures}`,
    apiEndpoint: server.url,
    projectId: "test",
  }),
  cleanup: async () => {},
}));
