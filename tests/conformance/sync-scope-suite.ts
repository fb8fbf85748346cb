import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { entryFor } from "../support/broken-shard.ts";
import {
  editShard,
  fingerprint,
  keysOf,
  Machine,
  META,
  MODEL_1,
  type SyncStoreFixture,
} from "../support/sync-machine.ts";
import { useSyncWorld } from "../support/sync-world.ts";

/** Every key below `prefix` with its version: proves a key was neither written nor deleted. */
async function versionsOf(store: ObjectStore, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const info of store.list(prefix)) out.set(info.key, info.version);
  return out;
}

/**
 * Solo mode and namespaces share one store and one cache base (docs/architecture.md, "Which files
 * sync"): namespace `infra` lives at `infra/` in the store and `{base}/infra/` in the cache, exactly
 * where solo mode would see a top-level folder `infra`. A solo engine never touches it; two
 * namespaces never see each other.
 */
export function scopeConformance(name: string, makeStore: () => Promise<SyncStoreFixture>): void {
  describe(`Sync conformance (namespace scope): ${name}`, () => {
    const world = useSyncWorld(makeStore, "swamp-sync-scope");
    /** The engine of namespace `ns` over the cache base of `solo` (as a repo switching namespace has). */
    const namespaceOf = (solo: Machine, ns: string) =>
      new Machine(solo.root, join(solo.cache, ns), world.clock, world.store, `${ns}/`);
    const infraData = `${MODEL_1}/web/1/raw`;

    test("a solo push never uploads, indexes or deletes a namespace's folder of its cache", async () => {
      const solo = await world.machine();
      const infra = namespaceOf(solo, "infra");
      await infra.write(infraData, "infra's");
      await infra.write("files/y", "infra's y");
      await infra.engine.pushChanged();
      const before = await versionsOf(world.store, "infra/");
      // A mark in the namespace's folder, as an older build would have left, and a bulk change.
      solo.engine.markDirty(`infra/${infraData}`);
      expect((await solo.engine.status()).pendingPaths).toBe(0);
      await solo.write("files/ok", "solo");
      solo.engine.markDirty(null);
      expect((await solo.engine.pushChanged()).uploaded).toBe(1);
      await solo.remove("files/ok");
      solo.engine.markDirty(null);
      expect((await solo.engine.pushChanged()).deleted).toBe(1);

      expect(await versionsOf(world.store, "infra/")).toEqual(before);
      const meta = JSON.parse(new TextDecoder().decode((await world.store.get(META))?.body));
      expect(Object.keys(meta.partitions)).toEqual(["files"]);
      expect(await infra.read("files/y")).toBe("infra's y");
    });

    test("a solo pull with no index lists the store but brings in none of a namespace's keys", async () => {
      const elsewhere = await world.machine();
      const infra = namespaceOf(elsewhere, "infra");
      await infra.write("files/y", "infra's y");
      await infra.engine.pushChanged();
      // Solo data without an index (as an older tool left it), beside the namespace (no manifest).
      await world.store.put("files/x", new TextEncoder().encode("solo x"));

      const solo = await world.machine();
      const pulled = await solo.engine.pullChanged();
      expect(pulled.downloaded).toBe(1);
      expect(pulled.rejected).toEqual([]);
      expect(await solo.read("files/x")).toBe("solo x");
      expect([...(await fingerprint(solo.cache)).keys()].filter((rel) => rel.startsWith("infra"))).toEqual(
        [],
      );
    });

    test("a solo index naming a namespace's keys (an older build's) is followed without them: none downloaded, deleted or overwritten", async () => {
      const solo = await world.machine();
      await solo.write("files/x", "solo x");
      await solo.engine.pushChanged();
      const infra = namespaceOf(solo, "infra");
      await infra.write("files/y", "infra's y");
      await infra.engine.pushChanged();
      const before = await versionsOf(world.store, "infra/");
      await editShard(world.store, "", "infra", (entries) => {
        entries["infra/files/y"] = entryFor("an older solo push's y");
        entries["infra/files/z"] = entryFor("z");
      });

      const other = await world.machine();
      const first = await other.engine.pullChanged();
      expect(first.downloaded).toBe(1);
      expect(first.rejected).toEqual([]);
      expect([...(await fingerprint(other.cache)).keys()].filter((rel) => rel.startsWith("infra"))).toEqual(
        [],
      );

      // The same solo cache holds infra's own cache: pulls and pushes leave it and infra's keys alone.
      expect((await solo.engine.pullChanged()).downloaded).toBe(0);
      await editShard(world.store, "", "infra", (entries) => {
        delete entries["infra/files/y"];
      });
      expect((await solo.engine.pullChanged()).deleted).toBe(0);
      solo.engine.markDirty(null);
      await solo.write("files/x", "solo x2");
      expect((await solo.engine.pushChanged()).uploaded).toBe(1);
      expect(await infra.read("files/y")).toBe("infra's y");
      expect(await versionsOf(world.store, "infra/")).toEqual(before);
    });

    test("switching between two namespaces on one cache base never mixes their data", async () => {
      const base = await world.machine();
      const infra = namespaceOf(base, "infra");
      const security = namespaceOf(base, "security");
      await infra.write(infraData, "infra's");
      await infra.engine.pushChanged();
      await security.write("files/x", "security's");
      await security.engine.pushChanged();
      await infra.write("files/x", "infra's x");
      await infra.engine.pushChanged();
      expect((await infra.engine.pullChanged()).downloaded).toBe(0);
      expect((await security.engine.pullChanged()).downloaded).toBe(0);

      expect((await keysOf(world.store, "infra/")).filter((k) => !k.startsWith("infra/_index/"))).toEqual([
        `infra/${infraData}`,
        "infra/files/x",
      ]);
      expect(
        (await keysOf(world.store, "security/")).filter((k) => !k.startsWith("security/_index/")),
      ).toEqual(["security/files/x"]);
      expect(await security.read("files/x")).toBe("security's");
      expect(await security.read(infraData)).toBeNull();
      expect(await infra.read("files/x")).toBe("infra's x");

      // A fresh clone of each namespace gets its own data only.
      const clone = await world.machine();
      const cloneInfra = namespaceOf(clone, "infra");
      await cloneInfra.engine.pullChanged();
      const files = [...(await fingerprint(clone.cache)).keys()];
      expect(files.filter((rel) => !rel.includes(".swamp-sync") && !rel.endsWith("/latest")).sort()).toEqual(
        [`infra/${infraData}`, "infra/files/x"].sort(),
      );
    });
  });
}
