import { describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoreDeps } from "../../../adapters/backends/backend-adapter.ts";
import { BucketHealth } from "../../../adapters/backends/bucket-health.ts";
import { datastoreVerifier, openObjectStore } from "../../../adapters/backends/registry.ts";
import { FsObjectStore } from "../../../adapters/fs/fs-object-store.ts";
import { GcsObjectStore } from "../../../adapters/gcs/gcs-object-store.ts";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import { MeteredObjectStore } from "../../../adapters/store-decorators/metered-object-store.ts";
import { RetryingObjectStore } from "../../../adapters/store-decorators/retrying-object-store.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import { DeadlineExceeded } from "../../../core/deadline.ts";
import { because } from "../../../core/errors.ts";
import type { ObjectStore } from "../../../core/ports/object-store.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { passThrough } from "../../support/pass-through-store.ts";

const deps = (): StoreDeps => ({ env: {}, clock: new FakeClock(), host: systemHost(), random: () => 0.5 });

describe("openObjectStore", () => {
  test("a folder opens as itself, undecorated: its failures are not transient", async () => {
    const store = await openObjectStore({ kind: "filesystem", path: "/tmp/x" }, deps());
    expect(store).toBeInstanceOf(FsObjectStore);
    expect(store.description).toBe("filesystem /tmp/x");
  });

  test("S3 opens behind the retrying decorator", async () => {
    const store = await openObjectStore(
      { kind: "s3", bucket: "b", prefix: "p", endpoint: "http://127.0.0.1:9", forcePathStyle: true },
      deps(),
    );
    expect(store).toBeInstanceOf(RetryingObjectStore);
    expect((store as RetryingObjectStore).inner).toBeInstanceOf(S3ObjectStore);
    expect(store.description).toBe("s3://b/p (endpoint http://127.0.0.1:9)");
  });

  test("GCS opens behind the retrying decorator", async () => {
    const store = await openObjectStore(
      { kind: "gcs", bucket: "b", apiEndpoint: "http://127.0.0.1:9" },
      deps(),
    );
    expect(store).toBeInstanceOf(RetryingObjectStore);
    expect((store as RetryingObjectStore).inner).toBeInstanceOf(GcsObjectStore);
    expect(store.description).toBe("gs://b (endpoint http://127.0.0.1:9)");
  });

  test("with a meter, every store is metered, under the retries (each attempt is a request)", async () => {
    const meter = { now: () => 0, record: () => {} };
    const s3 = await openObjectStore(
      { kind: "s3", bucket: "b", endpoint: "http://127.0.0.1:9", forcePathStyle: true },
      { ...deps(), meter },
    );
    const retried = (s3 as RetryingObjectStore).inner;
    expect(retried).toBeInstanceOf(MeteredObjectStore);
    expect((retried as MeteredObjectStore).inner).toBeInstanceOf(S3ObjectStore);
    const folder = await openObjectStore({ kind: "filesystem", path: "/tmp/x" }, { ...deps(), meter });
    expect((folder as MeteredObjectStore).inner).toBeInstanceOf(FsObjectStore);
  });
});

describe("health", () => {
  test("a folder: a directory we can write to", async () => {
    const dir = await mkdtemp(join(tmpdir(), "swamp-health-"));
    try {
      const unused = () => Promise.reject(new Error("a folder's health opens no store"));
      const ok = await datastoreVerifier({ kind: "filesystem", path: dir }, unused, deps()).verify();
      expect(ok.healthy).toBe(true);
      const missing = join(dir, "missing");
      const gone = await datastoreVerifier({ kind: "filesystem", path: missing }, unused, deps()).verify();
      expect(gone).toMatchObject({ healthy: false, message: expect.stringContaining("does not exist") });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a bucket: one listing of _index/", async () => {
    const store: ObjectStore = new MemoryObjectStore(new FakeClock());
    const listed: string[] = [];
    const spy = passThrough(store, {
      list: (prefix, after, signal) => {
        listed.push(prefix);
        return store.list(prefix, after, signal);
      },
    });
    const health = await datastoreVerifier({ kind: "s3", bucket: "b" }, async () => spy, deps()).verify();
    expect(health).toMatchObject({ healthy: true, message: `${store.description} is reachable` });
    expect(listed).toEqual(["_index/"]);
  });

  test("a bucket that fails: the error and what to check", async () => {
    const failing: ObjectStore = passThrough(new MemoryObjectStore(new FakeClock()), {
      // biome-ignore lint/correctness/useYield: fails before the first page
      list: async function* () {
        throw new Error("Access Denied");
      },
    });
    const health = await new BucketHealth(async () => failing).verify();
    expect(health.healthy).toBe(false);
    expect(health.message).toBe(
      `${failing.description} is not reachable: Access Denied. Check the bucket name, endpoint and credentials.`,
    );
    expect(health.cause).toBe("Access Denied");
  });

  test("a refused connection: the root cause in plain words, whatever wraps it", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const failing: ObjectStore = passThrough(new MemoryObjectStore(new FakeClock()), {
      // biome-ignore lint/correctness/useYield: fails before the first page
      list: async function* () {
        throw new Error("S3 LIST _index/ failed (gave up after 3 attempts)", { cause: refused });
      },
    });
    const health = await new BucketHealth(async () => failing).verify();
    expect(health).toMatchObject({ healthy: false, cause: "connection refused" });
  });

  test("a bucket that fails with the store's plain words: the store, then those words", async () => {
    const failing: ObjectStore = passThrough(new MemoryObjectStore(new FakeClock()), {
      // biome-ignore lint/correctness/useYield: fails before the first page
      list: async function* () {
        throw because("store_unavailable", 'Bucket "b" does not exist', "Create it.");
      },
    });
    const health = await new BucketHealth(async () => failing).verify();
    expect(health.message).toBe(`${failing.description}: Bucket "b" does not exist. Create it.`);
  });

  test("a bucket that does not answer before the deadline says which deadline ran out", async () => {
    const controller = new AbortController();
    const failing: ObjectStore = passThrough(new MemoryObjectStore(new FakeClock()), {
      // biome-ignore lint/correctness/useYield: fails before the first page
      list: async function* () {
        controller.abort(
          new DeadlineExceeded({
            ms: 10_000,
            what: "the status deadline",
            raise: "--timeout",
            code: "store_unavailable",
          }),
        );
        throw new Error("aborted");
      },
    });
    const health = await new BucketHealth(async () => failing).verify(controller.signal);
    expect(health.healthy).toBe(false);
    expect(health.message).toContain("the status deadline");
    expect(health.cause).toBe("no answer within 10 s");
  });

  test("a store that cannot be opened fails the command, not the health check", async () => {
    const health = new BucketHealth(() => Promise.reject(new Error("no credentials")));
    await expect(health.verify()).rejects.toThrow("no credentials");
  });
});
