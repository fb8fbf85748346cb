import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { GcsObjectStore } from "../../../adapters/gcs/gcs-object-store.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { gcsBucketFixture } from "../../support/gcs-fixture.ts";

setDefaultTimeout(60_000);

const gcs = gcsBucketFixture();
const withoutLastModified = gcsBucketFixture({ mediaLastModified: false });

objectStoreConformance("gcs (test server)", async () => ({ store: gcs.store(), cleanup: async () => {} }));

describe("GcsObjectStore", () => {
  test("keys live under {prefix}/ in the bucket and come back relative", async () => {
    const store = gcs.store({ prefix: "/team/repo/" });
    const bucket = gcs.sdkBucket();
    expect(store.description).toBe(`gs://${gcs.bucket}/team/repo (endpoint ${gcs.endpoint()})`);
    await store.put("data/a.yaml", new TextEncoder().encode("a"));
    const [raw] = await bucket.file("team/repo/data/a.yaml").download();
    expect(raw.toString()).toBe("a");
    await bucket.file("team/repo-other/x").save("x", { resumable: false });
    const keys: string[] = [];
    for await (const info of store.list("")) keys.push(info.key);
    expect(keys).toEqual(["data/a.yaml"]);
  });

  test("version is the generation; times are whole seconds from the server", async () => {
    const store = gcs.store();
    const put = await store.put("k", new Uint8Array([1, 2, 3]));
    const head = await store.head("k");
    const got = await store.get("k");
    expect(put.ok && put.version).toMatch(/^\d+$/);
    expect(head?.version).toBe(put.ok ? put.version : "");
    expect(got?.version).toBe(head?.version ?? "");
    expect(got?.modifiedAt).toBe(head?.modifiedAt ?? 0);
    expect((head?.serverNow ?? 1) % 1000).toBe(0);
    expect((got?.serverNow ?? 1) % 1000).toBe(0);
  });

  test("a media read without Last-Modified has no modifiedAt (never 0); the metadata still has it", async () => {
    const store = withoutLastModified.store();
    await store.put("k", new Uint8Array([1]));
    const got = await store.get("k");
    expect(got).not.toBeNull();
    expect(got?.modifiedAt).toBeUndefined();
    expect(got?.serverNow).toBeGreaterThan(0);
    const head = await store.head("k");
    expect(head?.version).toBe(got?.version ?? "");
    expect(head?.modifiedAt).toBeGreaterThan(0);
  });

  test("one request per head, get, put and delete; a failed replace costs one more", async () => {
    const store = gcs.store();
    const before = gcs.server().requests();
    const put = await store.put("k", new Uint8Array([1]), { absent: true });
    await store.head("k");
    await store.get("k");
    expect(gcs.server().requests() - before).toBe(3);
    const stale = gcs.server().requests();
    expect(await store.put("k", new Uint8Array([2]), { version: "1" })).toEqual({
      ok: false,
      reason: "changed",
    });
    expect(gcs.server().requests() - stale).toBe(2);
    const del = gcs.server().requests();
    expect((await store.delete("k", put.ok ? { version: put.version } : undefined)).ok).toBe(true);
    expect(gcs.server().requests() - del).toBe(1);
  });

  test("a missing bucket is an error that says so, not a missing key", async () => {
    const store = gcs.store({ bucket: "no-such-bucket" });
    await expect(store.get("k")).rejects.toThrow('Bucket "no-such-bucket" does not exist');
    await expect(store.head("k")).rejects.toThrow("swamp datastore setup gcs");
    await expect(store.put("k", new Uint8Array(), { absent: true })).rejects.toThrow("does not exist");
  });

  test("STORAGE_EMULATOR_HOST points the SDK at a test server without apiEndpoint", async () => {
    const saved = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = gcs.endpoint();
    try {
      const store = new GcsObjectStore({ bucket: gcs.bucket, prefix: gcs.freshPrefix() });
      const put = await store.put("k", new TextEncoder().encode("via env"), { absent: true });
      expect(put.ok).toBe(true);
      expect(new TextDecoder().decode((await store.get("k"))?.body)).toBe("via env");
      const keys: string[] = [];
      for await (const info of store.list("")) keys.push(info.key);
      expect(keys).toEqual(["k"]);
    } finally {
      if (saved === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = saved;
    }
  });
});
