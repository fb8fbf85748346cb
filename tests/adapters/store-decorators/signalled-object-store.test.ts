import { describe, expect, test } from "bun:test";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { SignalledObjectStore } from "../../../adapters/store-decorators/signalled-object-store.ts";
import type { ObjectStore } from "../../../core/ports/object-store.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { passThrough } from "../../support/pass-through-store.ts";

describe("SignalledObjectStore", () => {
  test("every call carries the store's signal, and the caller's too", async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const inner: ObjectStore = new MemoryObjectStore(new FakeClock());
    const spy: ObjectStore = passThrough(inner, {
      get: (key, signal) => {
        seen.push(signal);
        return inner.get(key, signal);
      },
      put: (key, body, when, signal) => {
        seen.push(signal);
        return inner.put(key, body, when, signal);
      },
    });
    const deadline = new AbortController();
    const store = new SignalledObjectStore(spy, deadline.signal);
    const own = new AbortController();
    await store.put("k", new Uint8Array([1]));
    await store.get("k", own.signal);
    expect(seen.map((s) => s?.aborted)).toEqual([false, false]);
    own.abort();
    expect(seen[1]?.aborted).toBe(true);
    expect(seen[0]?.aborted).toBe(false);
    deadline.abort();
    expect(seen[0]?.aborted).toBe(true);
    expect(store.description).toBe(inner.description);
  });
});
