import { describe, expect, test } from "bun:test";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import {
  MeteredObjectStore,
  type StoreRequest,
} from "../../../adapters/store-decorators/metered-object-store.ts";
import { storeRequestFailed } from "../../../adapters/store-decorators/transient-error.ts";
import type { ObjectStore } from "../../../core/ports/object-store.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function metered(inner: ObjectStore = new MemoryObjectStore(new FakeClock())) {
  const seen: StoreRequest[] = [];
  let t = 0;
  // Each reading of the clock is 5 ms later: every request lasts 5 ms.
  const store = new MeteredObjectStore(inner, { now: () => (t += 5), record: (r) => seen.push(r) });
  return { store, seen };
}

describe("MeteredObjectStore", () => {
  objectStoreConformance("metered(memory)", async () => ({
    store: metered().store,
    cleanup: async () => {},
  }));

  test("records each request with its outcome, bytes and duration", async () => {
    const { store, seen } = metered();
    await store.put("a", bytes("hello"));
    await store.put("a", bytes("x"), { absent: true });
    await store.get("a");
    await store.get("missing");
    await store.head("a");
    for await (const _ of store.list("")) {
    }
    await store.delete("a");
    expect(seen).toEqual([
      { operation: "put", key: "a", outcome: "ok", bytesIn: 0, bytesOut: 5, ms: 5 },
      { operation: "put", key: "a", outcome: "exists", bytesIn: 0, bytesOut: 1, ms: 5 },
      { operation: "get", key: "a", outcome: "ok", bytesIn: 5, bytesOut: 0, ms: 5 },
      { operation: "get", key: "missing", outcome: "absent", bytesIn: 0, bytesOut: 0, ms: 5 },
      { operation: "head", key: "a", outcome: "ok", bytesIn: 0, bytesOut: 0, ms: 5 },
      { operation: "list", key: "", outcome: "1 key", bytesIn: 0, bytesOut: 0, ms: 5 },
      { operation: "delete", key: "a", outcome: "ok", bytesIn: 0, bytesOut: 0, ms: 5 },
    ]);
  });

  test("a failure is recorded under the SDK's own name, and still thrown", async () => {
    const sdk = Object.assign(new Error("The specified bucket does not exist"), { name: "NoSuchBucket" });
    const inner = new MemoryObjectStore(new FakeClock());
    inner.get = () =>
      Promise.reject(
        storeRequestFailed("memory", "GET", "k", sdk, { reason: "No bucket", hint: "Create it." }),
      );
    const { store, seen } = metered(inner);
    await expect(store.get("k")).rejects.toThrow();
    expect(seen).toEqual([
      { operation: "get", key: "k", outcome: "error NoSuchBucket", bytesIn: 0, bytesOut: 0, ms: 5 },
    ]);
  });

  test("a listing left early says so", async () => {
    const { store, seen } = metered();
    await store.put("a", bytes("1"));
    await store.put("b", bytes("2"));
    for await (const _ of store.list("")) break;
    expect(seen.at(-1)).toMatchObject({ operation: "list", outcome: "1 key (stopped early)" });
  });
});
