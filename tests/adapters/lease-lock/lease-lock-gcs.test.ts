import type { Clock } from "../../../core/ports/clock.ts";
import { lockClientsConformance } from "../../conformance/lock-clients-suite.ts";
import { lockConformance } from "../../conformance/lock-suite.ts";
import { FakeTimeStore, FakeWriteTimes } from "../../support/fake-time-store.ts";
import { gcsBucketFixture } from "../../support/gcs-fixture.ts";

const gcs = gcsBucketFixture();
/** A server whose media reads leave out `Last-Modified`: lease ages come from the metadata. */
const gcsWithoutLastModified = gcsBucketFixture({ mediaLastModified: false });

/** Independent GCS clients on one fresh prefix, their answers put on the fake clock. */
function fixture(clock: Clock, server = gcs) {
  const prefix = server.freshPrefix();
  const writes = new FakeWriteTimes();
  return {
    client: () => new FakeTimeStore(server.store({ prefix }), clock, writes),
    cleanup: async () => {},
  };
}

// The server's ifGenerationMatch decides every race; the fake clock only ages the objects.
lockConformance("gcs (test server)", async (clock) => {
  const stores = fixture(clock);
  return { store: stores.client(), cleanup: stores.cleanup };
});
lockClientsConformance("gcs (test server)", async (clock) => fixture(clock));
lockConformance("gcs (test server, no Last-Modified on media reads)", async (clock) => {
  const stores = fixture(clock, gcsWithoutLastModified);
  return { store: stores.client(), cleanup: stores.cleanup };
});
