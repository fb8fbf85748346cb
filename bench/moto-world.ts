// What every remote bench starts from: moto on loopback, a counting proxy in front of it, one
// bucket, and a work folder; all of it gone after `close()` or on Ctrl-C.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { startMoto } from "../tests/support/moto-server.ts";
import { startCountingProxy } from "../uat/support/counting-proxy.ts";

export interface MotoWorld {
  work: string;
  moto: Awaited<ReturnType<typeof startMoto>>;
  proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  close(): Promise<void>;
}

/** An S3 client of moto's test credentials for `endpoint` (moto itself, or the proxy). */
export function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}

export async function startMotoWorld(label: string, bucket: string): Promise<MotoWorld> {
  const work = mkdtempSync(join(tmpdir(), `swamp-bench-${label}-`));
  const moto = await startMoto();
  const proxy = await startCountingProxy(moto.endpoint, { keepAlive: true });
  const close = async () => {
    await proxy.stop();
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  };
  process.on("SIGINT", () => {
    void close().finally(() => process.exit(130));
  });
  const admin = s3Client(moto.endpoint);
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  return { work, moto, proxy, close };
}
