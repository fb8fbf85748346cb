import { FAULT_TIMEOUT_MS, storeFaultConformance } from "../../conformance/store-faults-suite.ts";
import { gcsBucketFixture } from "../../support/gcs-fixture.ts";

const gcs = gcsBucketFixture();

storeFaultConformance("gcs (test server)", async () => ({
  targetPort: gcs.server().port,
  open: (endpoint) => gcs.store({ apiEndpoint: endpoint, requestTimeoutMs: FAULT_TIMEOUT_MS }),
  cleanup: async () => {},
}));
