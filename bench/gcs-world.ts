// The GCS counterpart of bench/moto-world.ts: the project's GCS test server in its own process (so
// its CPU is not the bench's), a counting proxy in front of it, one bucket, and a work folder; all
// of it gone after `close()` or on Ctrl-C.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Storage } from "@google-cloud/storage";
import { startCountingProxy } from "../uat/support/counting-proxy.ts";

export const GCS_BENCH_PROJECT = "bench";

export interface GcsWorld {
  work: string;
  proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  close(): Promise<void>;
}

export async function startGcsWorld(label: string, bucket: string): Promise<GcsWorld> {
  const work = mkdtempSync(join(tmpdir(), `swamp-bench-${label}-`));
  const server = Bun.spawn([process.execPath, join(import.meta.dir, "gcs-test-server-main.ts")], {
    stdout: "pipe",
    stderr: "inherit",
  });
  const first = await server.stdout.getReader().read();
  const endpoint = new TextDecoder().decode(first.value).trim();
  if (!endpoint.startsWith("http://"))
    throw new Error(`the GCS test server did not start (said ${endpoint})`);
  const proxy = await startCountingProxy(endpoint);
  const close = async () => {
    await proxy.stop();
    server.kill();
    await server.exited;
    rmSync(work, { recursive: true, force: true });
  };
  process.on("SIGINT", () => {
    void close().finally(() => process.exit(130));
  });
  await new Storage({ apiEndpoint: endpoint, projectId: GCS_BENCH_PROJECT }).bucket(bucket).create();
  return { work, proxy, close };
}
