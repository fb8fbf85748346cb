import { afterAll, beforeAll } from "bun:test";
import { Storage } from "@google-cloud/storage";
import { GcsObjectStore } from "../../../adapters/gcs/gcs-object-store.ts";
import { FAULT_TIMEOUT_MS, storeFaultConformance } from "../../conformance/store-faults-suite.ts";
import { type GcsTestServer, startGcsTestServer } from "../../support/gcs-test-server.ts";

const BUCKET = "swamp-faults";
let server: GcsTestServer;
let fixtures = 0;

beforeAll(async () => {
  server = await startGcsTestServer();
  await new Storage({ apiEndpoint: server.url, projectId: "test" }).createBucket(BUCKET);
});

afterAll(async () => {
  await server?.stop();
});

storeFaultConformance("gcs (test server)", async () => {
  const prefix = `faults-${++fixtures}`;
  return {
    targetPort: server.port,
    open: (endpoint) =>
      new GcsObjectStore({
        bucket: BUCKET,
        prefix,
        apiEndpoint: endpoint,
        projectId: "test",
        requestTimeoutMs: FAULT_TIMEOUT_MS,
      }),
    cleanup: async () => {},
  };
});
