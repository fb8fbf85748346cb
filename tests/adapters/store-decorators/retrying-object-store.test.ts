import { describe, expect, test } from "bun:test";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { RetryingObjectStore } from "../../../adapters/store-decorators/retrying-object-store.ts";
import { storeRequestFailed } from "../../../adapters/store-decorators/transient-error.ts";
import { anySignal, startDeadline } from "../../../core/deadline.ts";
import { causeChain, SwampError } from "../../../core/errors.ts";
import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../../core/ports/object-store.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { FakeClock, flush } from "../../support/fake-clock.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const unavailable = () =>
  Object.assign(new Error("Service Unavailable"), { $metadata: { httpStatusCode: 503 } });
const reset = () =>
  storeRequestFailed("memory", "GET", "k", Object.assign(new Error("reset"), { code: "ECONNRESET" }), {
    reason: "Lost the connection",
    hint: "Retry.",
  });

/** A memory store that throws the queued errors first, one per call. */
class FlakyStore implements ObjectStore {
  readonly description = "flaky";
  readonly failures: unknown[] = [];
  calls = 0;
  /** When set, a listing throws after yielding this many objects (once). */
  listFailsAfter: number | null = null;
  /** When set, the next put lands and then throws, like a reply lost on the way back. */
  loseNextPutReply = false;

  constructor(readonly inner: ObjectStore) {}

  head(key: string): Promise<ObjectInfo | null> {
    return this.#call(() => this.inner.head(key));
  }

  get(key: string): Promise<StoredObject | null> {
    return this.#call(() => this.inner.get(key));
  }

  put(key: string, body: Uint8Array, when?: Precondition): Promise<WriteResult> {
    return this.#call(async () => {
      const result = await this.inner.put(key, body, when);
      if (this.loseNextPutReply) {
        this.loseNextPutReply = false;
        throw unavailable();
      }
      return result;
    });
  }

  delete(key: string, when?: { version: string }): Promise<WriteResult> {
    return this.#call(() => this.inner.delete(key, when));
  }

  async *list(prefix: string, after?: string): AsyncIterable<ObjectInfo> {
    this.calls++;
    let yielded = 0;
    for await (const info of this.inner.list(prefix, after)) {
      if (this.listFailsAfter === yielded) {
        this.listFailsAfter = null;
        throw unavailable();
      }
      yielded++;
      yield info;
    }
  }

  async #call<T>(run: () => Promise<T>): Promise<T> {
    this.calls++;
    if (this.failures.length > 0) throw this.failures.shift();
    return run();
  }
}

function setup(attempts?: number) {
  const clock = new FakeClock();
  const flaky = new FlakyStore(new MemoryObjectStore(clock));
  const store = new RetryingObjectStore(flaky, {
    clock,
    random: () => 0.5,
    ...(attempts ? { attempts } : {}),
  });
  return { clock, flaky, store };
}

/** Observes a promise without awaiting it, so the test can move the fake clock meanwhile. */
function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

objectStoreConformance("retrying(memory)", async () => {
  const clock = new FakeClock();
  return {
    store: new RetryingObjectStore(new MemoryObjectStore(clock), { clock, random: Math.random }),
    cleanup: async () => {},
  };
});

describe("RetryingObjectStore", () => {
  test("retries transient failures after 500 ms, then 1,500 ms, on the store's clock", async () => {
    const { clock, flaky, store } = setup();
    await flaky.inner.put("k", bytes("v"));
    flaky.failures.push(unavailable(), reset());
    const call = watch(store.get("k"));
    await flush();
    expect(flaky.calls).toBe(1);
    await clock.advance(499);
    expect(flaky.calls).toBe(1);
    await clock.advance(1);
    expect(flaky.calls).toBe(2);
    await clock.advance(1499);
    expect(call.settled).toBe(false);
    await clock.advance(1);
    expect(call.settled).toBe(true);
    expect(new TextDecoder().decode(call.value?.body)).toBe("v");
    expect(flaky.calls).toBe(3);
  });

  test("jitter spreads each backoff by ±25 %", async () => {
    for (const [random, wait] of [
      [0, 375],
      [0.999, 624],
    ] as const) {
      const clock = new FakeClock();
      const flaky = new FlakyStore(new MemoryObjectStore(clock));
      const store = new RetryingObjectStore(flaky, { clock, random: () => random });
      flaky.failures.push(unavailable());
      const call = watch(store.head("k"));
      await clock.advance(wait - 1);
      expect(flaky.calls).toBe(1);
      await clock.advance(2);
      expect(call.settled).toBe(true);
    }
  });

  test("gives up after the last attempt and says so", async () => {
    const { clock, flaky, store } = setup(3);
    flaky.failures.push(reset(), reset(), reset(), reset());
    const call = watch(store.head("k"));
    await clock.advance(10_000);
    expect(call.settled).toBe(true);
    expect(flaky.calls).toBe(3);
    expect((call.error as Error).message).toBe("Lost the connection. Retry.");
    expect(causeChain(call.error)).toEqual(["gave up after 3 attempts", "GET k on memory", "reset"]);
  });

  test("errors that mean something are not retried", async () => {
    const { clock, flaky, store } = setup();
    const denied = Object.assign(new Error("Access Denied"), { $metadata: { httpStatusCode: 403 } });
    flaky.failures.push(denied);
    const call = watch(store.put("k", bytes("v")));
    await clock.advance(0);
    expect(call.error).toBe(denied);
    expect(flaky.calls).toBe(1);
  });

  test("an abort during the backoff stops at once with the caller's reason", async () => {
    const { clock, flaky, store } = setup();
    flaky.failures.push(unavailable(), unavailable());
    const controller = new AbortController();
    const call = watch(store.get("k", controller.signal));
    await clock.advance(100);
    const reason = new Error("deadline");
    controller.abort(reason);
    await flush();
    expect(call.error).toBe(reason);
    await clock.advance(10_000);
    expect(flaky.calls).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  test("never starts a retry whose backoff would end past the caller's deadline", async () => {
    const { clock, flaky, store } = setup(5);
    // Backoffs at random 0.5: 500 ms, then 1,500 ms. A deadline 1,900 ms out allows the first only.
    flaky.failures.push(unavailable(), reset(), reset());
    const deadline = startDeadline(clock, {
      ms: 1900,
      what: "the test deadline",
      raise: "T",
      code: "sync_failed",
    });
    const call = watch(store.get("k", deadline.signal));
    await clock.advance(500);
    expect(flaky.calls).toBe(2);
    expect(call.settled).toBe(true);
    expect(call.error).toBeInstanceOf(SwampError);
    expect((call.error as SwampError).details).toMatchObject({ operation: "GET" });
    expect(causeChain(call.error)[0]).toBe(
      "gave up after 2 attempt(s): another would start past the deadline",
    );
    expect(deadline.signal.aborted).toBe(false);
    deadline.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  test("the deadline of a combined signal is the earliest one", async () => {
    const { clock, flaky, store } = setup(5);
    flaky.failures.push(unavailable());
    const late = startDeadline(clock, { ms: 60_000, what: "late", raise: "L", code: "sync_failed" });
    const soon = startDeadline(clock, { ms: 400, what: "soon", raise: "S", code: "sync_failed" });
    const call = watch(store.get("k", anySignal(new AbortController().signal, late.signal, soon.signal)));
    await clock.advance(0);
    expect(call.settled).toBe(true);
    expect(flaky.calls).toBe(1);
    late.dispose();
    soon.dispose();
  });

  test("a listing that fails part-way resumes after the last key it yielded", async () => {
    const { clock, flaky, store } = setup();
    for (const key of ["a", "b", "c", "d"]) await flaky.inner.put(key, bytes(key));
    flaky.listFailsAfter = 2;
    const keys: string[] = [];
    const done = (async () => {
      for await (const info of store.list("")) keys.push(info.key);
    })();
    await clock.advance(500);
    await done;
    expect(keys).toEqual(["a", "b", "c", "d"]);
    expect(flaky.calls).toBe(2);
  });

  test("a create retried after a lost reply surfaces 'exists' (callers re-read to tell)", async () => {
    const { clock, flaky, store } = setup();
    flaky.loseNextPutReply = true;
    const call = watch(store.put("lock", bytes("mine"), { absent: true }));
    await clock.advance(500);
    expect(call.value).toEqual({ ok: false, reason: "exists" });
    expect(new TextDecoder().decode((await store.get("lock"))?.body)).toBe("mine");
  });
});
