import { describe, expect, test } from "bun:test";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { formatMetadata } from "../../adapters/fs/metadata-file.ts";
import { sha256Hex } from "../../adapters/sync/hash-file.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { type Machine, MODEL_1, MODEL_2, type SyncStoreFixture } from "../support/sync-machine.ts";
import { useSyncWorld } from "../support/sync-world.ts";

const WEB = `${MODEL_1}/web`;
const DB = `${MODEL_2}/db`;

/** Writes a version as the data repository does: raw, then metadata naming its number and checksum. */
async function writeVersion(m: Machine, nameRel: string, version: number, content: string): Promise<void> {
  m.engine.markDirty(nameRel);
  await m.write(`${nameRel}/${version}/raw`, content);
  await m.write(
    `${nameRel}/${version}/metadata.yaml`,
    formatMetadata({ name: nameRel.split("/").at(-1), version, checksum: sha256Hex(content) }),
  );
}

/** Every data object in the store, key → version: what a push left untouched keeps its version. */
async function dataObjects(store: ObjectStore): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const info of store.list("data/")) found.set(info.key, info.version);
  return found;
}

/**
 * A lazy cache (docs/architecture.md, "Lazy hydration"): pulls leave version content in the store,
 * its absence is never a deletion, and `hydrate` fetches it checked against the index.
 */
export function lazyConformance(name: string, makeStore: () => Promise<SyncStoreFixture>): void {
  describe(`Sync conformance (lazy hydration): ${name}`, () => {
    const world = useSyncWorld(makeStore, "swamp-sync-lazy");

    /** A full clone that published two names, three versions, and a file outside any version. */
    const published = async () => {
      const writer = await world.machine();
      await writeVersion(writer, WEB, 1, '{"x":1}');
      await writeVersion(writer, WEB, 2, '{"x":2}');
      await writeVersion(writer, DB, 1, "plain text");
      await writer.write("outputs/run.json", "out-1");
      await writer.engine.pushChanged();
      return writer;
    };

    test("a lazy pull brings every file but version content; a full pull brings it all", async () => {
      await published();
      const lazy = await world.machine({ hydration: "lazy" });
      const pulled = await lazy.engine.pullChanged();
      expect(pulled.downloaded).toBe(4);
      for (const rel of [`${WEB}/1/raw`, `${WEB}/2/raw`, `${DB}/1/raw`])
        expect(await lazy.read(rel)).toBeNull();
      expect(await lazy.read(`${WEB}/2/metadata.yaml`)).toContain('"version": 2');
      expect(await lazy.read(`${WEB}/latest`)).toBe("2");
      expect(await lazy.read("outputs/run.json")).toBe("out-1");
      expect(pulled.changed).toContain(`${DB}/1/metadata.yaml`);

      const full = await world.machine();
      expect((await full.engine.pullChanged()).downloaded).toBe(7);
      expect(await full.read(`${WEB}/1/raw`)).toBe('{"x":1}');
    });

    test("a push from a lazy clone sends only its new version and deletes nothing", async () => {
      await published();
      const lazy = await world.machine({ hydration: "lazy" });
      await lazy.engine.pullChanged();
      const before = await dataObjects(world.store);
      await writeVersion(lazy, WEB, 3, '{"x":3}');
      lazy.engine.markDirty(null);

      const pushed = await lazy.engine.pushChanged();
      expect(pushed.uploaded).toBe(2);
      expect(pushed.deleted).toBe(0);
      const after = await dataObjects(world.store);
      for (const [key, version] of before) expect(after.get(key)).toBe(version);
      expect([...after.keys()].filter((key) => !before.has(key)).sort()).toEqual([
        `${WEB}/3/metadata.yaml`,
        `${WEB}/3/raw`,
      ]);
      const full = await world.machine();
      await full.engine.pullChanged();
      expect(await full.read(`${WEB}/1/raw`)).toBe('{"x":1}');
      expect(await full.read(`${WEB}/3/raw`)).toBe('{"x":3}');
    });

    test("later pulls still leave content in the store and bring changes to everything else", async () => {
      const writer = await published();
      const lazy = await world.machine({ hydration: "lazy" });
      await lazy.engine.pullChanged();
      await writeVersion(writer, WEB, 3, '{"x":3}');
      await writer.write("outputs/run.json", "out-2");
      await writer.engine.pushChanged();

      const pulled = await lazy.engine.pullChanged();
      expect(pulled.downloaded).toBe(2);
      expect(await lazy.read(`${WEB}/3/raw`)).toBeNull();
      expect(await lazy.read(`${WEB}/3/metadata.yaml`)).toContain('"version": 3');
      expect(await lazy.read(`${WEB}/latest`)).toBe("3");
      expect(await lazy.read("outputs/run.json")).toBe("out-2");
      const pushed = await lazy.engine.pushChanged();
      expect(pushed.deleted).toBe(0);
    });

    test("hydrate fetches what is asked, checked against the index, and the next push sends nothing", async () => {
      await published();
      const lazy = await world.machine({ hydration: "lazy" });
      await lazy.engine.pullChanged();
      const one = await lazy.engine.hydrate([`${WEB}/2/raw`]);
      expect(one).toMatchObject({ fetched: 1, failed: [] });
      expect(await lazy.read(`${WEB}/2/raw`)).toBe('{"x":2}');
      expect(await lazy.read(`${WEB}/1/raw`)).toBeNull();
      expect((await lazy.engine.hydrate([`${WEB}/2/raw`])).fetched).toBe(0);

      const rest = await lazy.engine.hydrate(null);
      expect(rest).toMatchObject({ fetched: 2, failed: [] });
      expect(await lazy.read(`${DB}/1/raw`)).toBe("plain text");
      lazy.engine.markDirty(null);
      expect(await lazy.engine.pushChanged()).toMatchObject({ uploaded: 0, deleted: 0 });
      expect((await lazy.engine.pullChanged()).downloaded).toBe(0);
    });

    test("hydrate refuses bytes that differ from the index and paths the index does not name", async () => {
      await published();
      const lazy = await world.machine({ hydration: "lazy" });
      await lazy.engine.pullChanged();
      await world.store.put(`${WEB}/1/raw`, new TextEncoder().encode("tampered"));
      const result = await lazy.engine.hydrate([`${WEB}/1/raw`, `${WEB}/9/raw`]);
      expect(result.fetched).toBe(0);
      expect(result.failed.map((f) => f.path)).toEqual([`${WEB}/1/raw`, `${WEB}/9/raw`]);
      expect(result.failed[0]?.reason).toContain("do not match the index");
      expect(result.failed[1]?.reason).toContain("not in the index");
      expect(await lazy.read(`${WEB}/1/raw`)).toBeNull();
    });

    test("a version deleted in a lazy clone goes from the store with its content", async () => {
      await published();
      const lazy = await world.machine({ hydration: "lazy" });
      await lazy.engine.pullChanged();
      await lazy.remove(`${WEB}/1`);
      const pushed = await lazy.engine.pushChanged();
      expect(pushed.deleted).toBe(2);
      const keys = [...(await dataObjects(world.store)).keys()];
      expect(keys.filter((key) => key.startsWith(`${WEB}/1/`))).toEqual([]);
      expect(keys).toContain(`${WEB}/2/raw`);
    });

    test("content of a version a pull could not bring in is not deleted by a push", async () => {
      await published();
      const lazy = await world.machine({ hydration: "lazy" });
      // A folder where the version's metadata goes: the pull refuses that entry.
      await mkdir(join(lazy.cache, `${WEB}/1/metadata.yaml`), { recursive: true });
      const pulled = await lazy.engine.pullChanged();
      expect(pulled.rejected.map((r) => r.key)).toEqual([`${WEB}/1/metadata.yaml`]);
      const before = await dataObjects(world.store);
      lazy.engine.markDirty(null);
      expect((await lazy.engine.pushChanged()).deleted).toBe(0);
      expect(await dataObjects(world.store)).toEqual(before);
    });

    test("content left in the store is not drift, and a lost sync state deletes nothing", async () => {
      await published();
      const lazy = await world.machine({ hydration: "lazy" });
      await lazy.engine.pullChanged();
      const inspection = await lazy.engine.inspectCache();
      expect(inspection.synced?.has(`${WEB}/1/raw`)).toBe(false);
      expect(inspection.synced?.has(`${WEB}/1/metadata.yaml`)).toBe(true);

      await rm(join(lazy.cache, ".swamp-sync"), { recursive: true });
      const before = await dataObjects(world.store);
      const pushed = await lazy.engine.pushChanged();
      expect(pushed.deleted).toBe(0);
      expect(await dataObjects(world.store)).toEqual(before);
    });
  });
}
