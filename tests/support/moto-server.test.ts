import { expect, test } from "bun:test";
import { CreateBucketCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { startMoto } from "./moto-server.ts";

test("starts moto on a free port, reset() wipes it, stop() ends it", async () => {
  const moto = await startMoto();
  const client = new S3Client({
    endpoint: moto.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  try {
    expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`);
    await client.send(new CreateBucketCommand({ Bucket: "wiped" }));
    expect((await client.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual(["wiped"]);
    await moto.reset();
    expect((await client.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  } finally {
    client.destroy();
    await moto.stop();
  }
  await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
}, 30_000);
