// `bun bench/gcs-request-cpu.ts`: CPU per request of swamp's GCS store (JSON API over fetch,
// docs/architecture.md "Backends") beside @google-cloud/storage's own calls for the same PUT and
// GET, on the project's GCS test server running in a child process. Ratios are to the SDK.
//   bun bench/gcs-request-cpu.ts [--requests 500] [--rounds 5] [--concurrency 16]
import { join } from "node:path";
import { Storage } from "@google-cloud/storage";
import { GcsObjectStore } from "../adapters/gcs/gcs-object-store.ts";
import { compareClients, requestCpuOptions } from "./request-cpu.ts";

const options = requestCpuOptions(process.argv.slice(2));

const server = Bun.spawn([process.execPath, join(import.meta.dir, "gcs-test-server-main.ts")], {
  stdout: "pipe",
  stderr: "inherit",
});
try {
  const first = await server.stdout.getReader().read();
  const endpoint = new TextDecoder().decode(first.value).trim();
  const bucket = new Storage({ apiEndpoint: endpoint, projectId: "bench" }).bucket("bench");
  await bucket.create();
  const store = new GcsObjectStore({ bucket: "bench", apiEndpoint: endpoint, projectId: "bench" });
  const report = await compareClients(
    [
      {
        label: "@google-cloud/storage",
        put: (key, body) =>
          bucket.file(`sdk/${key}`).save(Buffer.from(body), { resumable: false, validation: "crc32c" }),
        get: (key) => bucket.file(`sdk/${key}`).download({ validation: "crc32c" }),
      },
      {
        label: "swamp GcsObjectStore",
        put: (key, body) => store.put(`swamp/${key}`, body),
        get: (key) => store.get(`swamp/${key}`),
      },
    ],
    options,
  );
  console.log(`GCS client CPU per request on the GCS test server: ${report}`);
} finally {
  server.kill();
}
