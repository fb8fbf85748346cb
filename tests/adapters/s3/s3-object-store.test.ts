import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3ObjectStoreConfig } from "../../../adapters/s3/s3-object-store.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { motoBucketFixture } from "../../support/s3-fixture.ts";

// moto answers ~220 requests/s; the 1,100-key paging test alone takes several seconds.
setDefaultTimeout(60_000);

const s3 = motoBucketFixture();

const makeStore = (config: Partial<S3ObjectStoreConfig> = {}) => s3.store({ maxSockets: 32, ...config });

objectStoreConformance("s3 (moto)", async () => {
  const store = makeStore();
  return { store, cleanup: async () => store.close() };
});

describe("S3ObjectStore", () => {
  test("keys live under {prefix}/ in the bucket and come back relative", async () => {
    const store = makeStore({ prefix: "/team/repo/" });
    const client = s3.client();
    try {
      expect(store.description).toBe(`s3://${s3.bucket}/team/repo (endpoint ${s3.endpoint()})`);
      await store.put("data/a.yaml", new TextEncoder().encode("a"));
      const raw = await client.send(
        new GetObjectCommand({ Bucket: s3.bucket, Key: "team/repo/data/a.yaml" }),
      );
      expect(await raw.Body?.transformToString()).toBe("a");
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: "team/repo-other/x", Body: "x" }));
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
      expect(store.description).toBe(`s3://${s3.bucket} (endpoint ${s3.endpoint()})`);
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

  test("keys with characters that need escaping in the path and in XML round-trip", async () => {
    const store = makeStore();
    const keys = ["odd/a b+c.txt", "odd/amp&lt<gt>'quote\"", "odd/ünï çødé ☃", "odd/x!*()~=,;:@$"];
    try {
      for (const key of keys) expect((await store.put(key, new TextEncoder().encode(key))).ok).toBe(true);
      for (const key of keys) expect(new TextDecoder().decode((await store.get(key))?.body)).toBe(key);
      const listed: string[] = [];
      for await (const info of store.list("odd/")) listed.push(info.key);
      expect(listed).toEqual([...keys].sort());
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
