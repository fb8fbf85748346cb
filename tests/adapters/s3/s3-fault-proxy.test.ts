import { afterAll, beforeAll } from "bun:test";
import type { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import { FAULT_TIMEOUT_MS, storeFaultConformance } from "../../conformance/store-faults-suite.ts";
import { type KeepAliveRelay, startKeepAliveRelay } from "../../support/keep-alive-relay.ts";
import { motoBucketFixture } from "../../support/s3-fixture.ts";

const s3 = motoBucketFixture();
let relay: KeepAliveRelay;

// moto closes every connection after one answer; the relay keeps the store's sockets alive.
beforeAll(() => {
  relay = startKeepAliveRelay(s3.endpoint());
});

afterAll(async () => {
  await relay?.stop();
});

storeFaultConformance("s3 (moto)", async () => {
  let store: S3ObjectStore | undefined;
  return {
    targetPort: relay.port,
    open(endpoint) {
      store = s3.store({ endpoint, requestTimeoutMs: FAULT_TIMEOUT_MS });
      return store;
    },
    cleanup: async () => store?.close(),
  };
});
