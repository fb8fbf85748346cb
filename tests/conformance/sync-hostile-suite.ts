import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { CountingObjectStore } from "../../adapters/store-decorators/counting-object-store.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { entryFor, NOT_UTF8 } from "../support/broken-shard.ts";
import { editShard, fingerprint, type SyncStoreFixture } from "../support/sync-machine.ts";
import { useSyncWorld } from "../support/sync-world.ts";

const LONG = `files/${"x".repeat(300)}`;
const SURROGATE = "files/lone-\ud800";
const BROKEN = `files/bytes-${NOT_UTF8}`;

/**
 * Bucket content that no cache can hold never blocks a datastore (docs/architecture.md, "Keys
 * that cannot be placed"): such entries are skipped and reported, the rest is pulled, and the
 * cache heals at the next pull once the bucket is fixed.
 */
export function hostileKeyConformance(name: string, makeStore: () => Promise<SyncStoreFixture>): void {
  describe(`Sync conformance (keys that cannot be placed): ${name}`, () => {
    const world = useSyncWorld(makeStore, "swamp-sync-hostile");
    const machine = (over?: ObjectStore) => world.machine(over ? { over } : {});
    const rejectedKeys = (pulled: { rejected: { key: string }[] }) =>
      pulled.rejected.map((r) => r.key).sort();

    test("a 300-byte segment, a lone surrogate, bytes that are not UTF-8 and a file/folder conflict are skipped; a fixed index heals the cache", async () => {
      const a = await machine();
      await a.write("files/ok", "ok");
      await a.write("files/a", "file a");
      await a.engine.pushChanged();
      await world.store.put(LONG, new TextEncoder().encode("long"));
      await world.store.put("files/a/x", new TextEncoder().encode("under a"));
      await editShard(world.store, "", "files", (entries) => {
        entries[LONG] = entryFor("long");
        entries[SURROGATE] = entryFor("lone");
        entries[BROKEN] = entryFor("broken");
        entries["files/a/x"] = entryFor("under a");
      });

      const b = await machine();
      const pulled = await b.engine.pullChanged();
      const broken = pulled.rejected.find((r) => r.key.startsWith("files/bytes-"));
      expect(broken?.reason).toContain("not valid UTF-8");
      expect(rejectedKeys(pulled).filter((k) => k !== broken?.key)).toEqual(
        [LONG, SURROGATE, "files/a/x"].sort(),
      );
      const why = Object.fromEntries(pulled.rejected.map((r) => [r.key, r.reason]));
      expect(why[LONG]).toContain("300 bytes");
      expect(why[SURROGATE]).toContain("lone surrogate");
      expect(why["files/a/x"]).toContain('"files/a" is a file');
      expect([await b.read("files/ok"), await b.read("files/a")]).toEqual(["ok", "file a"]);

      // Not recorded as synced: every pull tries again (and says so again) until the bucket is fixed.
      const counting = new CountingObjectStore(world.store);
      b.engine = b.engineOver(counting);
      const again = await b.engine.pullChanged();
      expect(again.rejected.length).toBe(4);
      expect(counting.total()).toBeGreaterThan(1);

      // Fixed by a corrected index: the bad entries go, and `files/a` becomes a folder.
      await editShard(world.store, "", "files", (entries) => {
        for (const key of Object.keys(entries))
          if (key !== "files/ok" && key !== "files/a/x") delete entries[key];
      });
      const healed = await b.engine.pullChanged();
      expect(healed.rejected).toEqual([]);
      expect([await b.read("files/ok"), await b.read("files/a/x")]).toEqual(["ok", "under a"]);
      expect([...(await fingerprint(join(b.cache, "files"))).keys()].sort()).toEqual(["a/x", "ok"]);
      counting.reset();
      expect((await b.engine.pullChanged()).requests).toBe(1);
    });

    test("an entry whose object is missing keeps the cache's copy; restoring the object heals the next pull", async () => {
      const a = await machine();
      await a.write("files/q", "v1");
      await a.engine.pushChanged();
      const b = await machine();
      await b.engine.pullChanged();
      await a.write("files/q", "v2");
      await a.engine.pushChanged();
      const v2 = (await world.store.get("files/q"))?.body as Uint8Array;
      await world.store.delete("files/q");

      const pulled = await b.engine.pullChanged();
      expect(pulled.rejected).toEqual([
        { key: "files/q", reason: "listed in the index but missing from the store" },
      ]);
      expect(await b.read("files/q")).toBe("v1");

      // The bucket is fixed without a new commit: the partition was not recorded as synced.
      await world.store.put("files/q", v2);
      const healed = await b.engine.pullChanged();
      expect(healed.rejected).toEqual([]);
      expect(await b.read("files/q")).toBe("v2");
    });
  });
}
