import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CountingObjectStore } from "../../adapters/store-decorators/counting-object-store.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { entryFor, NOT_UTF8 } from "../support/broken-shard.ts";
import { FakeClock } from "../support/fake-clock.ts";
import { editShard, fingerprint, Machine, type SyncStoreFixture } from "../support/sync-machine.ts";

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
    let fixture: SyncStoreFixture;
    let store: ObjectStore;
    let root: string;
    let clock: FakeClock;
    let machines = 0;

    const machine = async (over: ObjectStore = store): Promise<Machine> => {
      const home = join(root, `m${++machines}`);
      await mkdir(home, { recursive: true });
      return new Machine(root, join(home, "cache"), clock, over, "");
    };
    const rejectedKeys = (pulled: { rejected: { key: string }[] }) =>
      pulled.rejected.map((r) => r.key).sort();

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
      root = await mkdtemp(join(tmpdir(), "swamp-sync-hostile-"));
      clock = new FakeClock();
    });

    afterEach(async () => {
      await fixture.cleanup();
      await rm(root, { recursive: true, force: true });
    });

    test("a 300-byte segment, a lone surrogate, bytes that are not UTF-8 and a file/folder conflict are skipped; a fixed index heals the cache", async () => {
      const a = await machine();
      await a.write("files/ok", "ok");
      await a.write("files/a", "file a");
      await a.engine.pushChanged();
      await store.put(LONG, new TextEncoder().encode("long"));
      await store.put("files/a/x", new TextEncoder().encode("under a"));
      await editShard(store, "", "files", (entries) => {
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
      const counting = new CountingObjectStore(store);
      b.engine = b.engineOver(counting);
      const again = await b.engine.pullChanged();
      expect(again.rejected.length).toBe(4);
      expect(counting.total()).toBeGreaterThan(1);

      // Fixed by a corrected index: the bad entries go, and `files/a` becomes a folder.
      await editShard(store, "", "files", (entries) => {
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
      const v2 = (await store.get("files/q"))?.body as Uint8Array;
      await store.delete("files/q");

      const pulled = await b.engine.pullChanged();
      expect(pulled.rejected).toEqual([
        { key: "files/q", reason: "listed in the index but missing from the store" },
      ]);
      expect(await b.read("files/q")).toBe("v1");

      // The bucket is fixed without a new commit: the partition was not recorded as synced.
      await store.put("files/q", v2);
      const healed = await b.engine.pullChanged();
      expect(healed.rejected).toEqual([]);
      expect(await b.read("files/q")).toBe("v2");
    });
  });
}
