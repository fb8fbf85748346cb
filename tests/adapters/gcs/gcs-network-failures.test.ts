import { afterEach, describe, expect, test } from "bun:test";
import { GcsObjectStore } from "../../../adapters/gcs/gcs-object-store.ts";
import { type ScriptedHttpServer, startScriptedHttpServer } from "../../support/scripted-http-server.ts";
import { type StalledTcpServer, startStalledTcpServer } from "../../support/stalled-tcp-server.ts";
import { storeFailure } from "../../support/store-failure.ts";

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const storeAt = (apiEndpoint: string, requestTimeoutMs = 300) =>
  new GcsObjectStore({ bucket: "bkt", apiEndpoint, projectId: "test", requestTimeoutMs });

async function misbehaving(mode: "stall" | "reset"): Promise<StalledTcpServer> {
  const server = await startStalledTcpServer(mode);
  cleanups.push(() => server.stop());
  return server;
}

function fakeGcs(answer: (req: Request) => Response): ScriptedHttpServer {
  const server = startScriptedHttpServer(answer);
  cleanups.push(() => server.stop());
  return server;
}

describe("GcsObjectStore on a bad network", () => {
  test("a server that accepts and never answers fails each operation within requestTimeoutMs", async () => {
    const server = await misbehaving("stall");
    const store = storeAt(server.url);
    const errors = await Promise.all(
      [
        store.get("k"),
        store.head("k"),
        store.put("k", new Uint8Array([1]), { absent: true }),
        store.delete("k", { version: "1" }),
        (async () => {
          for await (const _ of store.list("")) break;
        })(),
      ].map(storeFailure),
    );
    for (const error of errors) {
      expect(error.code).toBe("store_unavailable");
      expect(error.message).toContain("did not answer within 300 ms");
      expect(error.message).toContain("SWAMP_GCS_REQUEST_TIMEOUT_MS");
      expect(error.details?.transient).toBe(true);
    }
  }, 10_000);

  test("a connection reset is a transient error that names the endpoint", async () => {
    const server = await misbehaving("reset");
    const error = await storeFailure(storeAt(server.url).head("k"));
    expect(error.message).toContain(server.url);
    expect(error.details?.transient).toBe(true);
  });

  test("an abort stops waiting on a stalled request with the caller's reason", async () => {
    const server = await misbehaving("stall");
    const store = storeAt(server.url, 2_000);
    for (const call of [(s: AbortSignal) => store.get("k", s), (s: AbortSignal) => store.head("k", s)]) {
      const controller = new AbortController();
      const pending = call(controller.signal);
      const reason = new Error("command deadline");
      setTimeout(() => controller.abort(reason), 50);
      expect(await pending.catch((e: unknown) => e)).toBe(reason);
    }
  });

  test("503 is a transient error carrying the status", async () => {
    const fake = fakeGcs(() =>
      Response.json({ error: { code: 503, message: "Backend Error" } }, { status: 503 }),
    );
    const error = await storeFailure(storeAt(fake.url).head("k"));
    expect(error.details).toMatchObject({ status: 503, transient: true, operation: "GCS HEAD", key: "k" });
    expect(error.message).toContain("Backend Error");
  });

  test("serverNow is the HTTP Date of the same answer, not the local clock", async () => {
    const fake = fakeGcs(() =>
      Response.json(
        { name: "k", size: "3", generation: "42", updated: "2020-01-01T00:00:00.250Z" },
        { headers: { date: "Wed, 01 Jan 2020 00:00:10 GMT" } },
      ),
    );
    expect(await storeAt(fake.url).head("k")).toEqual({
      key: "k",
      size: 3,
      version: "42",
      modifiedAt: Date.parse("2020-01-01T00:00:00Z"),
      serverNow: Date.parse("2020-01-01T00:00:10Z"),
    });
  });
});
