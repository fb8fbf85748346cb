import type { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import type { Clock } from "../../../core/ports/clock.ts";
import { lockClientsConformance } from "../../conformance/lock-clients-suite.ts";
import { lockConformance } from "../../conformance/lock-suite.ts";
import { FakeTimeStore, FakeWriteTimes } from "../../support/fake-time-store.ts";
import { motoBucketFixture } from "../../support/s3-fixture.ts";

const s3 = motoBucketFixture();

/** Independent S3 clients on one fresh prefix, their answers put on the fake clock. */
function fixture(clock: Clock) {
  const prefix = s3.freshPrefix();
  const writes = new FakeWriteTimes();
  const opened: S3ObjectStore[] = [];
  return {
    client() {
      const store = s3.store({ prefix });
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
