import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { Storage } from "@google-cloud/storage";
import { GcsObjectStore, type GcsObjectStoreConfig } from "../../../adapters/gcs/gcs-object-store.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { type GcsTestServer, startGcsTestServer } from "../../support/gcs-test-server.ts";

const BUCKET = "swamp-test";
let server: GcsTestServer;
let fixtures = 0;

setDefaultTimeout(60_000);

beforeAll(async () => {
  server = await startGcsTestServer();
  await new Storage({ apiEndpoint: server.url, projectId: "test" }).createBucket(BUCKET);
});

afterAll(async () => {
  await server?.stop();
});

function makeStore(config: Partial<GcsObjectStoreConfig> = {}): GcsObjectStore {
  return new GcsObjectStore({
    bucket: BUCKET,
    prefix: `t${++fixtures}`,
    apiEndpoint: server.url,
    projectId: "test",
    ...config,
  });
}

// Each test gets its own prefix in one bucket.
objectStoreConformance("gcs (test server)", async () => ({ store: makeStore(), cleanup: async () => {} }));

describe("GcsObjectStore", () => {
  test("keys live under {prefix}/ in the bucket and come back relative", async () => {
    const store = makeStore({ prefix: "/team/repo/" });
    const bucket = new Storage({ apiEndpoint: server.url, projectId: "test" }).bucket(BUCKET);
    expect(store.description).toBe(`gs://${BUCKET}/team/repo (endpoint ${server.url})`);
    await store.put("data/a.yaml", new TextEncoder().encode("a"));
    const [raw] = await bucket.file("team/repo/data/a.yaml").download();
    expect(raw.toString()).toBe("a");
    await bucket.file("team/repo-other/x").save("x", { resumable: false });
    const keys: string[] = [];
    for await (const info of store.list("")) keys.push(info.key);
    expect(keys).toEqual(["data/a.yaml"]);
  });

  test("version is the generation; times are whole seconds from the server", async () => {
    const store = makeStore();
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

  test("one request per head, get, put and delete; a failed replace costs one more", async () => {
    const store = makeStore();
    const before = server.requests();
    const put = await store.put("k", new Uint8Array([1]), { absent: true });
    await store.head("k");
    await store.get("k");
    expect(server.requests() - before).toBe(3);
    const stale = server.requests();
    expect(await store.put("k", new Uint8Array([2]), { version: "1" })).toEqual({
      ok: false,
      reason: "changed",
    });
    expect(server.requests() - stale).toBe(2);
    const del = server.requests();
    expect((await store.delete("k", put.ok ? { version: put.version } : undefined)).ok).toBe(true);
    expect(server.requests() - del).toBe(1);
  });

  test("a missing bucket is an error that says so, not a missing key", async () => {
    const store = makeStore({ bucket: "no-such-bucket" });
    await expect(store.get("k")).rejects.toThrow("The specified bucket does not exist");
    await expect(store.head("k")).rejects.toThrow("swamp datastore setup gcs");
    await expect(store.put("k", new Uint8Array(), { absent: true })).rejects.toThrow("does not exist");
  });

  test("STORAGE_EMULATOR_HOST points the SDK at a test server without apiEndpoint", async () => {
    const saved = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = server.url;
    try {
      const store = new GcsObjectStore({ bucket: BUCKET, prefix: `t${++fixtures}` });
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
