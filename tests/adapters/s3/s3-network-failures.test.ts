import { afterEach, describe, expect, test } from "bun:test";
import { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import { type ScriptedHttpServer, startScriptedHttpServer } from "../../support/scripted-http-server.ts";
import { type StalledTcpServer, startStalledTcpServer } from "../../support/stalled-tcp-server.ts";
import { storeFailure } from "../../support/store-failure.ts";

const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function storeAt(endpoint: string, requestTimeoutMs = 300): S3ObjectStore {
  const store = new S3ObjectStore({
    bucket: "bkt",
    endpoint,
    forcePathStyle: true,
    credentials,
    requestTimeoutMs,
  });
  cleanups.push(() => store.close());
  return store;
}

async function misbehaving(mode: "stall" | "reset"): Promise<StalledTcpServer> {
  const server = await startStalledTcpServer(mode);
  cleanups.push(() => server.stop());
  return server;
}

function fakeS3(answer: (req: Request) => Response): ScriptedHttpServer {
  const server = startScriptedHttpServer(answer);
  cleanups.push(() => server.stop());
  return server;
}

const s3Error = (status: number, code: string) =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
    {
      status,
      headers: { "content-type": "application/xml" },
    },
  );

describe("S3ObjectStore on a bad network", () => {
  test("a server that accepts and never answers fails each operation within requestTimeoutMs", async () => {
    const server = await misbehaving("stall");
    const store = storeAt(server.url);
    const errors = await Promise.all(
      [
        store.get("k"),
        store.head("k"),
        store.put("k", new Uint8Array([1]), { absent: true }),
        store.delete("k"),
        (async () => {
          for await (const _ of store.list("")) break;
        })(),
      ].map(storeFailure),
    );
    for (const error of errors) {
      expect(error.code).toBe("store_unavailable");
      expect(error.message).toContain(`did not answer within 300 ms`);
      expect(error.message).toContain("SWAMP_S3_REQUEST_TIMEOUT_MS");
      expect(error.details?.transient).toBe(true);
    }
    expect(server.connections()).toBeGreaterThan(0);
  }, 10_000);

  test("a connection reset is a transient error that names the endpoint", async () => {
    const server = await misbehaving("reset");
    const error = await storeFailure(storeAt(server.url).get("k"));
    expect(error.message).toContain(server.url);
    expect(error.details?.transient).toBe(true);
  });

  test("an abort stops a stalled request with the caller's reason", async () => {
    const server = await misbehaving("stall");
    const controller = new AbortController();
    const pending = storeAt(server.url, 30_000).get("k", controller.signal);
    const reason = new Error("command deadline");
    setTimeout(() => controller.abort(reason), 50);
    expect(await pending.catch((e: unknown) => e)).toBe(reason);
  });

  test("503 is a transient error carrying the status", async () => {
    const fake = fakeS3(() => s3Error(503, "SlowDown"));
    const error = await storeFailure(storeAt(fake.url).put("k", new Uint8Array([1])));
    expect(error.details).toMatchObject({ status: 503, transient: true, operation: "S3 PUT", key: "k" });
  });

  test("409 ConditionalRequestConflict is retried twice, then reported like a 412", async () => {
    const fake = fakeS3(() => s3Error(409, "ConditionalRequestConflict"));
    const store = storeAt(fake.url);
    expect(await store.put("k", new Uint8Array([1]), { absent: true })).toEqual({
      ok: false,
      reason: "exists",
    });
    expect(fake.requests()).toBe(3);
    expect(await store.put("k", new Uint8Array([1]), { version: '"e"' })).toEqual({
      ok: false,
      reason: "changed",
    });
    expect(await store.delete("k", { version: '"e"' })).toEqual({ ok: false, reason: "changed" });
    expect(fake.requests()).toBe(9);
  });

  test("serverNow is the HTTP Date of the same answer, not the local clock", async () => {
    const fake = fakeS3(
      () =>
        new Response(null, {
          status: 200,
          headers: {
            date: "Wed, 01 Jan 2020 00:00:10 GMT",
            "last-modified": "Wed, 01 Jan 2020 00:00:00 GMT",
            etag: '"abc"',
            "content-length": "3",
          },
        }),
    );
    const info = await storeAt(fake.url).head("k");
    expect(info).toEqual({
      key: "k",
      size: 3,
      version: '"abc"',
      modifiedAt: Date.parse("2020-01-01T00:00:00Z"),
      serverNow: Date.parse("2020-01-01T00:00:10Z"),
    });
  });
});
