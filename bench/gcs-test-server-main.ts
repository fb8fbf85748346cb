// The GCS test server on its own, for benches that must not count its CPU: prints its URL, then serves.
import { startGcsTestServer } from "../tests/support/gcs-test-server.ts";

console.log((await startGcsTestServer()).url);
