import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32cBase64 } from "../../../adapters/gcs/crc32c.ts";
import { GcsJsonApi } from "../../../adapters/gcs/gcs-json-api.ts";
import { multipartUpload } from "../../../adapters/gcs/gcs-multipart.ts";
import { GcsObjectStore } from "../../../adapters/gcs/gcs-object-store.ts";
import { sdkAuthorization } from "../../../adapters/gcs/gcs-sdk-auth.ts";
import { startGcsTestServer } from "../../support/gcs-test-server.ts";
import { swampFailure } from "../../support/swamp-failure.ts";

interface Seen {
  method: string;
  url: string;
  authorization: string | null;
  body: Uint8Array;
}

const stops: (() => unknown)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A loopback server answering with `answer`, recording every request it gets. */
function recordingServer(answer: (seen: Seen) => Response): { url: string; seen: Seen[] } {
  const seen: Seen[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const request = {
        method: req.method,
        url: req.url,
        authorization: req.headers.get("authorization"),
        body: new Uint8Array(await req.arrayBuffer()),
      };
      seen.push(request);
      return answer(request);
    },
  });
  stops.push(() => server.stop(true));
  return { url: `http://127.0.0.1:${server.port}`, seen };
}

describe("GCS requests without the SDK's command stack", () => {
  test("credentials come from the SDK's own chain: an external account named by GOOGLE_APPLICATION_CREDENTIALS", async () => {
    const sts = recordingServer(() =>
      Response.json({
        access_token: "token-from-sts",
        issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        token_type: "Bearer",
        expires_in: 3600,
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), "swamp-gcs-auth-"));
    stops.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "subject-token"), "subject-token-of-this-machine");
    writeFileSync(
      join(dir, "credentials.json"),
      JSON.stringify({
        type: "external_account",
        audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q",
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: `${sts.url}/v1/token`,
        credential_source: { file: join(dir, "subject-token") },
      }),
    );
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir, "credentials.json");
    stops.push(() => {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    });

    const server = recordingServer(() => Response.json({ name: "k", size: "1", generation: "7" }));
    const api = new GcsJsonApi({ origin: server.url, timeoutMs: 5_000, authorize: sdkAuthorization("p") });
    await api.send({ method: "GET", path: "/storage/v1/b/bkt/o/k" });
    await api.send({ method: "GET", path: "/storage/v1/b/bkt/o/k" });

    expect(server.seen.map((s) => s.authorization)).toEqual([
      "Bearer token-from-sts",
      "Bearer token-from-sts",
    ]);
    // The token was exchanged once, for this machine's subject token, and then cached.
    expect(sts.seen).toHaveLength(1);
    expect(new TextDecoder().decode(sts.seen[0]?.body)).toContain("subject-token-of-this-machine");
  });

  test("a test server or emulator endpoint gets no credentials, as with the SDK", async () => {
    const server = recordingServer(() => Response.json({ name: "k", size: "1", generation: "7" }));
    const store = new GcsObjectStore({ bucket: "bkt", apiEndpoint: server.url, requestTimeoutMs: 5_000 });
    expect(await store.head("k")).toMatchObject({ key: "k", size: 1, version: "7" });
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.authorization).toBeNull();
  });

  test("an upload is one multipart request carrying the bytes' CRC32C", async () => {
    const server = recordingServer(() => Response.json({ name: "k", size: "5", generation: "9" }));
    const store = new GcsObjectStore({ bucket: "bkt", apiEndpoint: server.url, requestTimeoutMs: 5_000 });
    const body = new TextEncoder().encode("hello");
    expect(await store.put("dir/k", body, { absent: true })).toEqual({ ok: true, version: "9" });
    expect(server.seen).toHaveLength(1);
    const [request] = server.seen;
    expect(request?.url).toContain(
      "/upload/storage/v1/b/bkt/o?uploadType=multipart&name=dir%2Fk&ifGenerationMatch=0",
    );
    const text = new TextDecoder().decode(request?.body);
    expect(text).toContain(
      JSON.stringify({ name: "dir/k", contentType: "application/octet-stream", crc32c: crc32cBase64(body) }),
    );
    expect(text).toContain("\r\n\r\nhello\r\n--");
  });

  test("the server refuses an upload whose bytes do not match its CRC32C, and stores nothing", async () => {
    const server = await startGcsTestServer();
    stops.push(() => server.stop());
    await fetch(`${server.url}/storage/v1/b`, { method: "POST", body: JSON.stringify({ name: "bkt" }) });
    const upload = multipartUpload(
      { name: "k", crc32c: crc32cBase64(new TextEncoder().encode("other")) },
      new TextEncoder().encode("hello"),
    );
    const api = new GcsJsonApi({ origin: server.url, timeoutMs: 5_000, authorize: async () => ({}) });
    const refused = await api
      .send({
        method: "POST",
        path: "/upload/storage/v1/b/bkt/o",
        query: { uploadType: "multipart" },
        headers: { "content-type": upload.contentType },
        body: upload.body,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(refused).toMatchObject({ status: 400 });
    const store = new GcsObjectStore({ bucket: "bkt", apiEndpoint: server.url });
    expect(await store.head("k")).toBeNull();
  });

  test("a media read whose bytes do not match the server's x-goog-hash fails, and is worth retrying", async () => {
    const server = recordingServer(
      () =>
        new Response("hello", {
          headers: {
            "x-goog-hash": `crc32c=${crc32cBase64(new TextEncoder().encode("other"))},md5=x`,
            "x-goog-generation": "3",
          },
        }),
    );
    const store = new GcsObjectStore({ bucket: "bkt", apiEndpoint: server.url, requestTimeoutMs: 5_000 });
    const error = await swampFailure(store.get("k"));
    expect(error.message).toContain("CRC32C");
    expect(error.details?.transient).toBe(true);
  });
});
