import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore, type S3ObjectStoreConfig } from "../../../adapters/s3/s3-object-store.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { type MotoServer, startMoto } from "../../support/moto-server.ts";

const BUCKET = "swamp-test";
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
let moto: MotoServer;
let fixtures = 0;

// moto answers ~220 requests/s; the 1,100-key paging test alone takes several seconds.
setDefaultTimeout(60_000);

beforeAll(async () => {
  moto = await startMoto();
  const client = rawClient();
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  client.destroy();
});

afterAll(async () => {
  await moto?.stop();
});

function rawClient(): S3Client {
  return new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: "us-east-1", credentials });
}

function makeStore(config: Partial<S3ObjectStoreConfig> = {}): S3ObjectStore {
  return new S3ObjectStore({
    bucket: BUCKET,
    prefix: `t${++fixtures}`,
    endpoint: moto.endpoint,
    forcePathStyle: true,
    credentials,
    maxSockets: 32,
    ...config,
  });
}

// Each test gets its own prefix in one bucket: cheaper than wiping moto between tests.
objectStoreConformance("s3 (moto)", async () => {
  const store = makeStore();
  return { store, cleanup: async () => store.close() };
});

describe("S3ObjectStore", () => {
  test("keys live under {prefix}/ in the bucket and come back relative", async () => {
    const store = makeStore({ prefix: "/team/repo/" });
    const client = rawClient();
    try {
      expect(store.description).toBe(`s3://${BUCKET}/team/repo (endpoint ${moto.endpoint})`);
      await store.put("data/a.yaml", new TextEncoder().encode("a"));
      const raw = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "team/repo/data/a.yaml" }));
      expect(await raw.Body?.transformToString()).toBe("a");
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: "team/repo-other/x", Body: "x" }));
      const keys: string[] = [];
      for await (const info of store.list("")) keys.push(info.key);
      expect(keys).toEqual(["data/a.yaml"]);
    } finally {
      store.close();
      client.destroy();
    }
  });

  test("without a prefix, keys are the bucket's object names", async () => {
    const store = makeStore({ prefix: "" });
    try {
      expect(store.description).toBe(`s3://${BUCKET} (endpoint ${moto.endpoint})`);
      await store.put("rootless-key", new Uint8Array([1]));
      expect((await store.head("rootless-key"))?.key).toBe("rootless-key");
    } finally {
      store.close();
    }
  });

  test("version is the ETag, and modifiedAt and serverNow come from the server", async () => {
    const store = makeStore();
    try {
      const put = await store.put("k", new Uint8Array([1, 2, 3]));
      const head = await store.head("k");
      expect(put.ok && put.version).toMatch(/^"[0-9a-f]{32}"$/);
      expect(head?.version).toBe(put.ok ? put.version : "");
      // HTTP dates and S3 Last-Modified have whole seconds; a local clock reading would not.
      expect((head?.modifiedAt ?? 1) % 1000).toBe(0);
      expect((head?.serverNow ?? 1) % 1000).toBe(0);
    } finally {
      store.close();
    }
  });

  test("a missing bucket is an error that names the bucket, not a missing key", async () => {
    const store = makeStore({ bucket: "no-such-bucket" });
    try {
      await expect(store.get("k")).rejects.toThrow('Bucket "no-such-bucket" does not exist');
      await expect(store.put("k", new Uint8Array(), { absent: true })).rejects.toThrow("does not exist");
    } finally {
      store.close();
    }
  });
});
