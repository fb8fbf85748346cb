import { expect, test } from "bun:test";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { CountingObjectStore } from "../../../adapters/store-decorators/counting-object-store.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { FakeClock } from "../../support/fake-clock.ts";

objectStoreConformance("counting(memory)", async () => ({
  store: new CountingObjectStore(new MemoryObjectStore(new FakeClock())),
  cleanup: async () => {},
}));

test("counts calls per operation, and reset() zeroes them", async () => {
  const store = new CountingObjectStore(new MemoryObjectStore(new FakeClock()));
  expect(store.description).toBe("memory");
  await store.put("a", new Uint8Array([1]));
  await store.put("b", new Uint8Array([2]), { absent: true });
  await store.get("a");
  await store.head("missing");
  await store.delete("a");
  for await (const _ of store.list("")) {
    // a list counts once, however many objects it yields
  }
  expect(store.counts).toEqual({ head: 1, get: 1, put: 2, delete: 1, list: 1 });
  expect(store.total()).toBe(6);
  store.reset();
  expect(store.total()).toBe(0);
});
