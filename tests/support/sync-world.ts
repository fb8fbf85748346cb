import { afterEach, beforeEach } from "bun:test";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { FakeClock } from "./fake-clock.ts";
import { Machine, type SyncStoreFixture } from "./sync-machine.ts";

/** One test's world: a fresh store from the fixture, a fake clock, and clones made over them. */
export interface SyncWorld {
  readonly store: ObjectStore;
  readonly clock: FakeClock;
  /** A new clone with its own cache, over `over` (default: the store), below `prefix`. */
  machine(options?: { over?: ObjectStore; prefix?: string; hydration?: "full" | "lazy" }): Promise<Machine>;
}

/** Call inside a `describe`: a new world before each test, its store and files gone after it. */
export function useSyncWorld(makeStore: () => Promise<SyncStoreFixture>, label: string): SyncWorld {
  let current: { fixture: SyncStoreFixture; root: string; clock: FakeClock; machines: number } | null = null;
  const now = () => {
    if (current === null) throw new Error("useSyncWorld: read outside a test");
    return current;
  };
  beforeEach(async () => {
    const fixture = await makeStore();
    current = {
      fixture,
      root: await mkdtemp(join(tmpdir(), `${label}-`)),
      clock: new FakeClock(),
      machines: 0,
    };
  });
  afterEach(async () => {
    const ended = now();
    current = null;
    await ended.fixture.cleanup();
    await rm(ended.root, { recursive: true, force: true });
  });
  return {
    get store() {
      return now().fixture.store;
    },
    get clock() {
      return now().clock;
    },
    async machine({ over, prefix = "", hydration = "full" } = {}) {
      const world = now();
      const home = join(world.root, `m${++world.machines}`, "parent");
      await mkdir(home, { recursive: true });
      return new Machine(
        world.root,
        join(home, "cache"),
        world.clock,
        over ?? world.fixture.store,
        prefix,
        hydration,
        world.fixture.indexSplitEntries,
      );
    },
  };
}
