import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash } from "node:crypto";
import { type Bucket, Storage } from "@google-cloud/storage";
import { type GcsTestServer, startGcsTestServer } from "./gcs-test-server.ts";

let server: GcsTestServer;
let bucket: Bucket;

setDefaultTimeout(60_000);

beforeAll(async () => {
  server = await startGcsTestServer();
  const storage = new Storage({
    apiEndpoint: server.url,
    projectId: "test",
    retryOptions: { autoRetry: false },
  });
  [bucket] = await storage.createBucket("sdk-bucket");
});

afterAll(async () => {
  await server?.stop();
});

const statusOf = (error: unknown) => (error as { code?: number }).code;

describe("GCS test server, driven by @google-cloud/storage", () => {
  test("multipart upload and validated download; the resource carries what GCS returns", async () => {
    const file = bucket.file("dir/hello world.txt");
    const body = Buffer.from("123456789");
    await file.save(body, { resumable: false, validation: "crc32c", contentType: "text/plain" });
    const [metadata] = await file.getMetadata();
    expect(metadata.name).toBe("dir/hello world.txt");
    expect(metadata.generation).toMatch(/^\d+$/);
    expect(metadata.metageneration).toBe("1");
    expect(metadata.size).toBe("9");
    expect(metadata.crc32c).toBe("4waSgw==");
    expect(metadata.md5Hash).toBe(createHash("md5").update(body).digest("base64"));
    expect(metadata.contentType).toBe("text/plain");
    expect(Date.parse(metadata.updated ?? "")).toBeGreaterThan(0);
    expect(Date.parse(metadata.timeCreated ?? "")).toBeGreaterThan(0);
    const [crc] = await file.download({ validation: "crc32c" });
    const [md5] = await file.download({ validation: "md5" });
    expect(crc.toString()).toBe("123456789");
    expect(md5.toString()).toBe("123456789");
  });

  test("resumable upload: the session URI comes from Location; the bytes arrive whole", async () => {
    const file = bucket.file("big.bin");
    const [uri] = await file.createResumableUpload();
    expect(uri).toStartWith(`${server.url}/upload/storage/v1/b/sdk-bucket/o?`);
    expect(uri).toContain("upload_id=");
    const body = Buffer.alloc(300_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) % 251;
    await file.save(body, { resumable: true, validation: "crc32c" });
    const [downloaded] = await file.download({ validation: "crc32c" });
    expect(Buffer.compare(downloaded, body)).toBe(0);
  });

  test("lists past 1,000 objects in pages of at most 1,000, with prefix and delimiter", async () => {
    const names = Array.from({ length: 1050 }, (_, i) => `page/${String(i).padStart(4, "0")}`);
    for (let i = 0; i < names.length; i += 100) {
      await Promise.all(
        names.slice(i, i + 100).map((name) => bucket.file(name).save("x", { resumable: false })),
      );
    }
    await bucket.file("page-not/x").save("x", { resumable: false });
    const [all] = await bucket.getFiles({ prefix: "page/" });
    expect(all.map((f) => f.name)).toEqual(names);

    const [first, next] = await bucket.getFiles({ prefix: "page/", maxResults: 5000, autoPaginate: false });
    expect(first).toHaveLength(1000);
    expect(next?.pageToken).toBeString();
    const [second, after] = await bucket.getFiles({ ...next, autoPaginate: false });
    expect(second.map((f) => f.name)).toEqual(names.slice(1000));
    expect(after).toBeNull();

    await bucket.file("tree/a/1").save("x", { resumable: false });
    await bucket.file("tree/a/2").save("x", { resumable: false });
    await bucket.file("tree/b").save("x", { resumable: false });
    const [files, , response] = await bucket.getFiles({
      prefix: "tree/",
      delimiter: "/",
      autoPaginate: false,
    });
    expect(files.map((f) => f.name)).toEqual(["tree/b"]);
    expect((response as { prefixes?: string[] }).prefixes).toEqual(["tree/a/"]);
  });

  test("ifGenerationMatch is enforced on upload and delete with 412", async () => {
    const file = bucket.file("guarded");
    await file.save("v1", { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    const generation = file.metadata.generation as string;
    const again = await file
      .save("v2", { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } })
      .catch((e: unknown) => e);
    expect(statusOf(again)).toBe(412);
    const resumable = await file
      .save("v2", { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } })
      .catch((e: unknown) => e);
    expect(statusOf(resumable)).toBe(412);
    await file.save("v2", { resumable: false, preconditionOpts: { ifGenerationMatch: generation } });
    const newer = file.metadata.generation as string;
    expect(newer).not.toBe(generation);
    expect(statusOf(await file.delete({ ifGenerationMatch: generation }).catch((e: unknown) => e))).toBe(412);
    expect((await file.download())[0].toString()).toBe("v2");
    await file.delete({ ifGenerationMatch: newer });
    expect((await file.exists())[0]).toBe(false);
    expect(statusOf(await file.delete().catch((e: unknown) => e))).toBe(404);
  });

  test("errors are JSON bodies; every answer has a Date header; paths work without /storage/v1", async () => {
    const missing = await fetch(`${server.url}/storage/v1/b/sdk-bucket/o/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("date")).toBeString();
    expect(((await missing.json()) as { error: { code: number } }).error.code).toBe(404);

    await bucket.file("plain").save("p", { resumable: false });
    const [generation] = [(await bucket.file("plain").getMetadata())[0].generation];
    const stale = await fetch(
      `${server.url}/upload/storage/v1/b/sdk-bucket/o?uploadType=media&name=plain&ifGenerationMatch=1`,
      {
        method: "POST",
        body: "x",
      },
    );
    expect(stale.status).toBe(412);
    expect(stale.headers.get("date")).toBeString();
    expect(((await stale.json()) as { error: { code: number } }).error.code).toBe(412);

    const media = await fetch(`${server.url}/b/sdk-bucket/o/plain?alt=media`);
    expect(await media.text()).toBe("p");
    expect(media.headers.get("date")).toBeString();
    expect(media.headers.get("x-goog-generation")).toBe(String(generation));
    expect(media.headers.get("x-goog-hash")).toContain("crc32c=");
    // Without this header the SDK silently skips download validation.
    expect(media.headers.get("x-goog-stored-content-encoding")).toBe("identity");
  });

  test("counts requests; reset() wipes buckets, objects and the count", async () => {
    const own = await startGcsTestServer();
    try {
      const storage = new Storage({
        apiEndpoint: own.url,
        projectId: "test",
        retryOptions: { autoRetry: false },
      });
      const [b] = await storage.createBucket("counted");
      await b.file("k").save("x", { resumable: false });
      await b.file("k").download();
      expect(own.requests()).toBe(3);
      own.reset();
      expect(own.requests()).toBe(0);
      expect(
        statusOf(
          await b
            .file("k")
            .download()
            .catch((e: unknown) => e),
        ),
      ).toBe(404);
    } finally {
      await own.stop();
    }
  });
});
