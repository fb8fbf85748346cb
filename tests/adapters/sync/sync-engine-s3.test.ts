import { setDefaultTimeout } from "bun:test";
import { syncConformance } from "../../conformance/sync-suite.ts";
import { motoBucketFixture } from "../../support/s3-fixture.ts";

setDefaultTimeout(60_000);

const s3 = motoBucketFixture();

syncConformance("s3 (moto)", async () => {
  const store = s3.store({ maxSockets: 16 });
  return { store, cleanup: async () => store.close() };
});
