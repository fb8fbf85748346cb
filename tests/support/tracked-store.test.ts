import { describe, expect, test } from "bun:test";
import { MemoryObjectStore } from "../../adapters/memory/memory-object-store.ts";
import type { StoredObject } from "../../core/ports/object-store.ts";
import { FakeClock } from "./fake-clock.ts";
import { TrackedStore } from "./tracked-store.ts";

/** Resolves after `turns` event-loop turns: a server slower than any fixed number of turns. */
async function afterTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("TrackedStore.settle", () => {
  test("waits for a call in flight however many turns it takes (a loaded machine), then resolves", async () => {
    const inner = new MemoryObjectStore(new FakeClock());
    const slow = Object.assign(Object.create(inner) as MemoryObjectStore, {
      get: async (key: string): Promise<StoredObject | null> => {
        await afterTurns(300_000);
        return inner.get(key);
      },
    });
    const store = new TrackedStore(slow);
    const view = store.view();
    const call = view.get("k");
    await store.settle();
    expect(store.inflight).toBe(0);
    expect(await call).toBeNull();
  });

  test("waits for a listing's page however many turns it takes", async () => {
    const inner = new MemoryObjectStore(new FakeClock());
    await inner.put("a", new Uint8Array([1]));
    const slow = Object.assign(Object.create(inner) as MemoryObjectStore, {
      list: async function* (prefix: string) {
        await afterTurns(300_000);
        yield* inner.list(prefix);
      },
    });
    const store = new TrackedStore(slow);
    const keys: string[] = [];
    const reading = (async () => {
      for await (const info of store.view().list("")) keys.push(info.key);
    })();
    await new Promise((resolve) => setImmediate(resolve));
    await store.settle();
    expect(store.inflight).toBe(0);
    await reading;
    expect(keys).toEqual(["a"]);
  });
});
