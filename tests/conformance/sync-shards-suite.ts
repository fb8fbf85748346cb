import { beforeEach, describe, expect, test } from "bun:test";
import { SWEEP_AFTER } from "../../core/sync/shard-collection.ts";
import { parseMeta } from "../../core/sync/sync-index.ts";
import { FakeTimeStore } from "../support/fake-time-store.ts";
import { keysOf, META, MODEL_1, type SyncStoreFixture } from "../support/sync-machine.ts";
import { useSyncWorld } from "../support/sync-world.ts";

const HOUR = 60 * 60 * 1000;

/**
 * Old index shards do not pile up (docs/architecture.md, "Old shards"): a committing push deletes
 * the shards no meta references once they are an hour old on the store's clock, and nothing else.
 * The store's times run on the test's fake clock, so an hour passes without waiting.
 */
export function shardCollectionConformance(name: string, makeStore: () => Promise<SyncStoreFixture>): void {
  describe(`Sync conformance (old shards): ${name}`, () => {
    const world = useSyncWorld(makeStore, "swamp-sync-shards");
    let timed: FakeTimeStore;
    const machine = () => world.machine({ over: timed });
    const shards = async () => (await keysOf(world.store, "_index/")).filter((key) => key !== META).sort();
    const referenced = async () => {
      const meta = parseMeta(new TextDecoder().decode((await world.store.get(META))?.body));
      if (typeof meta === "string") throw new Error(meta);
      return [...meta.partitions.values()].map((ref) => ref.key).sort();
    };

    beforeEach(() => {
      timed = new FakeTimeStore(world.store, world.clock);
    });

    test("a push sweeps once enough shards were replaced: old unreferenced ones go; never a referenced, young or foreign one", async () => {
      const a = await machine();
      await a.write(`${MODEL_1}/web/state`, "model");
      const pushFiles = async (n: number) => {
        await a.write("files/x", `v${n}`);
        await a.engine.pushChanged();
        await world.clock.advance(60_000);
      };
      for (const n of [1, 2, 3]) await pushFiles(n);
      const firstThree = await shards();
      expect(firstThree).toHaveLength(4);
      await timed.put("_index/notes.txt", new TextEncoder().encode("not a shard"));

      await world.clock.advance(HOUR);
      // A concurrent committer's shard, written but not yet named by a meta.
      const pending = "_index/files.00000000000000aa.json";
      await timed.put(pending, new TextEncoder().encode('{"version":1,"entries":{}}'));
      // Push n replaces the n-1 th `files` shard: no sweep until SWEEP_AFTER were replaced.
      for (let n = 4; n <= SWEEP_AFTER; n++) await pushFiles(n);
      const unswept = await shards();
      expect(unswept).toHaveLength(1 + SWEEP_AFTER + 2);
      expect(firstThree.every((key) => unswept.includes(key))).toBe(true);

      await pushFiles(SWEEP_AFTER + 1);
      const left = await shards();
      const named = await referenced();
      // The model's shard is old but referenced; the three old superseded `files` shards went; the
      // young superseded ones, the pending one and the foreign object stay.
      expect(firstThree.filter((key) => left.includes(key))).toEqual(
        named.filter((key) => firstThree.includes(key)),
      );
      expect(named.filter((key) => firstThree.includes(key))).toHaveLength(1);
      const young = unswept.filter((key) => !firstThree.includes(key));
      expect(left).toEqual([...new Set([...named, ...young])].sort());
      expect(left).toContain(pending);
      expect(left).toContain("_index/notes.txt");

      const b = await machine();
      const pulled = await b.engine.pullChanged();
      expect(pulled.rejected).toEqual([]);
      expect([await b.read("files/x"), await b.read(`${MODEL_1}/web/state`)]).toEqual([
        `v${SWEEP_AFTER + 1}`,
        "model",
      ]);
    });
  });
}
