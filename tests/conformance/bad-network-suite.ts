import { afterEach, describe, expect, test } from "bun:test";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { type ScriptedHttpServer, startScriptedHttpServer } from "../support/scripted-http-server.ts";
import { type StalledTcpServer, startStalledTcpServer } from "../support/stalled-tcp-server.ts";
import { swampFailure } from "../support/swamp-failure.ts";

/** How one remote store is opened, and how its server speaks, for the shared bad-network tests. */
export interface BadNetworkBackend {
  /** A store on bucket "bkt" at `endpoint`; closed after the test when it has `close`. */
  open(endpoint: string, requestTimeoutMs: number): ObjectStore & { close?(): void };
  /** The environment variable a timeout error tells the user to raise. */
  timeoutVariable: string;
  /** The precondition of the delete sent to a server that never answers. */
  stalledDeleteWhen?: { version: string };
  /** Also check that the server that never answers was connected to. */
  checkStalledConnections?: boolean;
  /** The read that meets a connection reset. */
  resetRead: "get" | "head";
  /** A 503 in the server's own error format, the call that meets it, and what its error must carry. */
  unavailable: {
    answer(): Response;
    call(store: ObjectStore): Promise<unknown>;
    details: Record<string, unknown>;
    message?: string;
  };
  /**
   * The server's answer to a HEAD of "k": 3 bytes, version `headVersion`, last modified
   * 2020-01-01T00:00:00Z, sent with `Date: Wed, 01 Jan 2020 00:00:10 GMT`.
   */
  headAnswer(): Response;
  headVersion: string;
}

/** What a backend's own bad-network tests build on; everything is stopped after each test. */
export interface BadNetworkKit {
  /** A store at `endpoint`; 300 ms per request unless told. */
  storeAt(endpoint: string, requestTimeoutMs?: number): ObjectStore;
  /** A TCP server that accepts and then never answers ("stall") or resets the connection. */
  misbehaving(mode: "stall" | "reset"): Promise<StalledTcpServer>;
  /** An HTTP server that answers every request with `answer`. */
  fake(answer: (req: Request) => Response): ScriptedHttpServer;
}

/**
 * A remote store against servers that stall, reset or fail: every call fails within its request
 * timeout with a transient error that names the endpoint and the setting to change, and answers
 * are read on the server's clock. `more` adds the backend's own tests to the same block.
 */
export function badNetworkConformance(
  name: string,
  backend: BadNetworkBackend,
  more?: (kit: BadNetworkKit) => void,
): void {
  describe(`${name} on a bad network`, () => {
    const cleanups: (() => Promise<void> | void)[] = [];

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    const kit: BadNetworkKit = {
      storeAt(endpoint, requestTimeoutMs = 300) {
        const store = backend.open(endpoint, requestTimeoutMs);
        cleanups.push(() => store.close?.());
        return store;
      },
      async misbehaving(mode) {
        const server = await startStalledTcpServer(mode);
        cleanups.push(() => server.stop());
        return server;
      },
      fake(answer) {
        const server = startScriptedHttpServer(answer);
        cleanups.push(() => server.stop());
        return server;
      },
    };
    const { storeAt, misbehaving, fake } = kit;

    test("a server that accepts and never answers fails each operation within requestTimeoutMs", async () => {
      const server = await misbehaving("stall");
      const store = storeAt(server.url);
      const errors = await Promise.all(
        [
          store.get("k"),
          store.head("k"),
          store.put("k", new Uint8Array([1]), { absent: true }),
          store.delete("k", backend.stalledDeleteWhen),
          (async () => {
            for await (const _ of store.list("")) break;
          })(),
        ].map(swampFailure),
      );
      for (const error of errors) {
        expect(error.code).toBe("store_unavailable");
        expect(error.message).toContain("did not answer within 300 ms");
        expect(error.message).toContain(backend.timeoutVariable);
        expect(error.details?.transient).toBe(true);
      }
      if (backend.checkStalledConnections) expect(server.connections()).toBeGreaterThan(0);
    }, 10_000);

    test("a connection reset is a transient error that names the endpoint", async () => {
      const server = await misbehaving("reset");
      const error = await swampFailure(storeAt(server.url)[backend.resetRead]("k"));
      expect(error.message).toContain(server.url);
      expect(error.details?.transient).toBe(true);
    });

    test("503 is a transient error carrying the status", async () => {
      const { answer, call, details, message } = backend.unavailable;
      const error = await swampFailure(call(storeAt(fake(answer).url)));
      expect(error.details).toMatchObject(details);
      if (message !== undefined) expect(error.message).toContain(message);
    });

    test("serverNow is the HTTP Date of the same answer, not the local clock", async () => {
      const server = fake(backend.headAnswer);
      expect(await storeAt(server.url).head("k")).toEqual({
        key: "k",
        size: 3,
        version: backend.headVersion,
        modifiedAt: Date.parse("2020-01-01T00:00:00Z"),
        serverNow: Date.parse("2020-01-01T00:00:10Z"),
      });
    });

    more?.(kit);
  });
}
