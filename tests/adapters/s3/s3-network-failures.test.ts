import { expect, test } from "bun:test";
import { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import { badNetworkConformance } from "../../conformance/bad-network-suite.ts";
import { TEST_CREDENTIALS } from "../../support/s3-fixture.ts";
import { startStalledTcpServer } from "../../support/stalled-tcp-server.ts";

const s3Error = (status: number, code: string) =>
  new Response(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
    {
      status,
      headers: { "content-type": "application/xml" },
    },
  );

badNetworkConformance(
  "S3ObjectStore",
  {
    open: (endpoint, requestTimeoutMs) =>
      new S3ObjectStore({
        bucket: "bkt",
        endpoint,
        forcePathStyle: true,
        credentials: TEST_CREDENTIALS,
        requestTimeoutMs,
      }),
    timeoutVariable: "SWAMP_S3_REQUEST_TIMEOUT_MS",
    checkStalledConnections: true,
    resetRead: "get",
    unavailable: {
      answer: () => s3Error(503, "SlowDown"),
      call: (store) => store.put("k", new Uint8Array([1])),
      details: { status: 503, transient: true, operation: "S3 PUT", key: "k" },
    },
    headAnswer: () =>
      new Response(null, {
        status: 200,
        headers: {
          date: "Wed, 01 Jan 2020 00:00:10 GMT",
          "last-modified": "Wed, 01 Jan 2020 00:00:00 GMT",
          etag: '"abc"',
          "content-length": "3",
        },
      }),
    headVersion: '"abc"',
  },
  ({ storeAt, misbehaving, fake }) => {
    test("an abort stops a stalled request with the caller's reason", async () => {
      const server = await misbehaving("stall");
      const controller = new AbortController();
      const pending = storeAt(server.url, 30_000).get("k", controller.signal);
      const reason = new Error("command deadline");
      setTimeout(() => controller.abort(reason), 50);
      expect(await pending.catch((e: unknown) => e)).toBe(reason);
    });

    test("an abort stops a read whose body stalls after the headers, with the caller's reason", async () => {
      const server = await startStalledTcpServer("stall-body");
      try {
        const controller = new AbortController();
        const pending = storeAt(server.url, 30_000).get("k", controller.signal);
        const reason = new Error("command deadline");
        setTimeout(() => controller.abort(reason), 100);
        expect(await pending.catch((e: unknown) => e)).toBe(reason);
      } finally {
        await server.stop();
      }
    });

    test("409 ConditionalRequestConflict is retried twice, then reported like a 412", async () => {
      const server = fake(() => s3Error(409, "ConditionalRequestConflict"));
      const store = storeAt(server.url);
      expect(await store.put("k", new Uint8Array([1]), { absent: true })).toEqual({
        ok: false,
        reason: "exists",
      });
      expect(server.requests()).toBe(3);
      expect(await store.put("k", new Uint8Array([1]), { version: '"e"' })).toEqual({
        ok: false,
        reason: "changed",
      });
      expect(await store.delete("k", { version: '"e"' })).toEqual({ ok: false, reason: "changed" });
      expect(server.requests()).toBe(9);
    });
  },
);
