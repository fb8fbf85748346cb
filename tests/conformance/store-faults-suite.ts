import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { causeChain, type SwampError } from "../../core/errors.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { type FaultProxy, startFaultProxy } from "../support/fault-proxy.ts";
import { swampFailure } from "../support/swamp-failure.ts";

/** The request timeout every store under test is opened with. */
export const FAULT_TIMEOUT_MS = 1000;
/** How long a failing call may take: the timeout plus slack for a loaded machine. */
const FAIL_WITHIN_MS = 2 * FAULT_TIMEOUT_MS + 500;

export interface StoreFaultFixture {
  /** The real server's loopback port, which the proxy forwards to. */
  targetPort: number;
  /** A store on the server behind `endpoint`, with `requestTimeoutMs: FAULT_TIMEOUT_MS`. */
  open(endpoint: string): ObjectStore;
  cleanup(): Promise<void>;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array | undefined) => new TextDecoder().decode(body);

/**
 * A remote store behind a loopback proxy the test breaks: stalled, reset and cut-off
 * connections fail within the request timeout with an error that names the store and says
 * what to do, and once traffic passes again every call answers correctly (a socket that was
 * stalled mid-request must never hand a late answer to a later request).
 */
export function storeFaultConformance(name: string, make: () => Promise<StoreFaultFixture>): void {
  describe(`ObjectStore under network faults: ${name}`, () => {
    let fixture: StoreFaultFixture;
    let proxy: FaultProxy;
    let store: ObjectStore;

    beforeEach(async () => {
      fixture = await make();
      proxy = await startFaultProxy(fixture.targetPort);
      store = fixture.open(proxy.url);
      // Warm the pool, so the faults also hit reused keep-alive connections.
      await Promise.all(["a", "b", "c"].map((key) => store.put(key, bytes(`body of ${key}`))));
    });
    afterEach(async () => {
      await fixture.cleanup();
      await proxy.stop();
    });

    /** The call's failure, checked to have come within FAIL_WITHIN_MS. */
    async function failsPromptly(call: Promise<unknown>): Promise<SwampError> {
      const started = performance.now();
      const error = await swampFailure(call);
      const tookMs = performance.now() - started;
      expect(tookMs).toBeLessThan(FAIL_WITHIN_MS);
      // The message names the server to check; the request, on which store, is in the chain (-v).
      expect(error.message).toContain(proxy.url);
      expect(causeChain(error).join("\n")).toContain(store.description);
      return error;
    }

    async function answersCorrectlyAgain(): Promise<void> {
      for (let round = 0; round < 3; round++) {
        const got = await Promise.all(["a", "b", "c"].map((key) => store.get(key)));
        expect(got.map((object) => text(object?.body))).toEqual(["body of a", "body of b", "body of c"]);
      }
      const written = await store.put("after", bytes("after the fault"), { absent: true });
      expect(written.ok).toBe(true);
      expect(text((await store.get("after"))?.body)).toBe("after the fault");
    }

    test("stalled: reads and writes fail within the timeout, then work once traffic passes", async () => {
      const opened = proxy.connections();
      proxy.mode("stall");
      const errors = await Promise.all([
        failsPromptly(store.get("a")),
        failsPromptly(store.head("b")),
        failsPromptly(store.put("stalled", bytes("x"), { absent: true })),
        failsPromptly(
          (async () => {
            for await (const _ of store.list("")) break;
          })(),
        ),
      ]);
      for (const error of errors) {
        expect(error.code).toBe("store_unavailable");
        expect(error.message).toContain(`did not answer within ${FAULT_TIMEOUT_MS} ms`);
        expect(error.details?.transient).toBe(true);
      }
      // Some of the stalled calls went out on pooled connections, whose late answers are now due.
      expect(proxy.connections() - opened).toBeLessThan(errors.length);
      proxy.mode("pass");
      await answersCorrectlyAgain();
    });

    test("reset: calls fail at once naming the endpoint to check, then work once traffic passes", async () => {
      proxy.mode("reset");
      const error = await failsPromptly(store.get("a"));
      expect(error.code).toBe("store_unavailable");
      expect(error.message).toContain(`Lost the connection to ${proxy.url}`);
      expect(error.message).toContain("reachable from this machine");
      expect(error.details?.transient).toBe(true);
      await failsPromptly(store.put("reset", bytes("x")));
      proxy.mode("pass");
      await answersCorrectlyAgain();
    });

    test("an answer cut off mid-body fails within the timeout, then reads work again", async () => {
      const large = bytes("y".repeat(256 * 1024));
      await store.put("large", large);
      proxy.mode("blackhole-after-bytes", { bytes: 4096 });
      const error = await failsPromptly(store.get("large"));
      expect(error.code).toBe("store_unavailable");
      expect(error.details?.transient).toBe(true);
      proxy.mode("pass");
      expect((await store.get("large"))?.body).toEqual(large);
      await answersCorrectlyAgain();
    });
  });
}
