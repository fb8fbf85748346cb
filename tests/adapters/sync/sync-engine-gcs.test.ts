import { setDefaultTimeout } from "bun:test";
import { syncConformance } from "../../conformance/sync-suite.ts";
import { gcsBucketFixture } from "../../support/gcs-fixture.ts";

setDefaultTimeout(60_000);

const gcs = gcsBucketFixture();

syncConformance("gcs (test server)", async () => ({ store: gcs.store(), cleanup: async () => {} }));
