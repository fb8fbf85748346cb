import { describe, expect, test } from "bun:test";
import { formatMetadata } from "../../adapters/fs/metadata-file.ts";
import { sha256Hex } from "../../adapters/sync/hash-file.ts";
import { parseMeta, serializeMeta } from "../../core/sync/sync-index.ts";
import { swampFailure } from "../support/swamp-failure.ts";
import {
  fingerprint,
  keysOf,
  type Machine,
  META,
  MODEL_1,
  type SyncStoreFixture,
} from "../support/sync-machine.ts";
import { useSyncWorld } from "../support/sync-world.ts";

const NAME = `${MODEL_1}/web`;
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : null);

/** Writes a version as the data repository does: raw, then metadata naming its number and checksum. */
async function writeVersion(m: Machine, version: number, content: string): Promise<void> {
  const dir = `${NAME}/${version}`;
  m.engine.markDirty(NAME);
  await m.write(`${dir}/raw`, content);
  await m.write(
    `${dir}/metadata.yaml`,
    formatMetadata({ name: "web", version, checksum: sha256Hex(content) }),
  );
}

/**
 * Versions are immutable in the store (docs/architecture.md, "Versions in the bucket"): pending
 * versions are renumbered, never written over another clone's; the index only moves forward.
 */
export function versionConformance(name: string, makeStore: () => Promise<SyncStoreFixture>): void {
  describe(`Sync conformance (versions): ${name}`, () => {
    const world = useSyncWorld(makeStore, "swamp-sync-versions");
    const machine = () => world.machine();
    const stored = async (rel: string) => text((await world.store.get(rel))?.body);
    /** What a push that died before its commit leaves: the version's files in the store, no index entry. */
    const uploadUncommitted = async (m: Machine, version: number) => {
      for (const file of ["raw", "metadata.yaml"]) {
        const body = await m.bytes(`${NAME}/${version}/${file}`);
        if (body) await world.store.put(`${NAME}/${version}/${file}`, body);
      }
    };

    /** Two clones that both hold v1 of the name. */
    const twoClones = async () => {
      const a = await machine();
      await writeVersion(a, 1, "a1");
      await a.engine.pushChanged();
      const b = await machine();
      await b.engine.pullChanged();
      return { a, b };
    };

    test("a pending version whose number another clone committed is renumbered on pull; both land", async () => {
      const { a, b } = await twoClones();
      await writeVersion(a, 2, "a2");
      await a.engine.pushChanged();
      await writeVersion(b, 2, "b2");

      const pulled = await b.engine.pullChanged();
      expect(pulled.rebased).toEqual([
        { type: "aws/ec2", id: MODEL_1.split("/")[3] as string, name: "web", from: 2, to: 3 },
      ]);
      expect(await b.read(`${NAME}/2/raw`)).toBe("a2");
      expect(await b.read(`${NAME}/3/raw`)).toBe("b2");
      expect(await b.read(`${NAME}/3/metadata.yaml`)).toContain('"version": 3');
      expect(await b.read(`${NAME}/latest`)).toBe("3");

      await b.engine.pushChanged();
      expect(await stored(`${NAME}/2/raw`)).toBe("a2");
      expect(await stored(`${NAME}/3/raw`)).toBe("b2");
      await a.engine.pullChanged();
      expect(await a.read(`${NAME}/3/raw`)).toBe("b2");
      expect(await a.read(`${NAME}/latest`)).toBe("3");
    });

    test("a push never writes over a version object: the collision renumbers and the push goes on", async () => {
      const { a, b } = await twoClones();
      await writeVersion(a, 2, "a2");
      await a.engine.pushChanged();
      await writeVersion(b, 2, "b2");

      const pushed = await b.engine.pushChanged();
      expect(pushed.rebased.map(({ from, to }) => [from, to])).toEqual([[2, 3]]);
      expect(await stored(`${NAME}/2/raw`)).toBe("a2");
      expect(await stored(`${NAME}/3/raw`)).toBe("b2");
      const c = await machine();
      await c.engine.pullChanged();
      expect(await c.read(`${NAME}/2/raw`)).toBe("a2");
      expect(await c.read(`${NAME}/3/raw`)).toBe("b2");
      expect(await c.read(`${NAME}/latest`)).toBe("3");
    });

    test("an upload that never committed is adopted when its bytes are ours; other bytes give up the number", async () => {
      const a = await machine();
      await writeVersion(a, 1, "one");
      await a.engine.pushChanged();
      await writeVersion(a, 2, "mine");
      // A push that died after its uploads: the same bytes are already in the store.
      await uploadUncommitted(a, 2);
      const adopted = await a.engine.pushChanged();
      expect(adopted.rebased).toEqual([]);
      expect(adopted.uploaded).toBe(2);

      await world.store.put(`${NAME}/3/metadata.yaml`, new TextEncoder().encode("someone else's"));
      await writeVersion(a, 3, "mine too");
      const renumbered = await a.engine.pushChanged();
      expect(renumbered.rebased.map(({ from, to }) => [from, to])).toEqual([[3, 4]]);
      expect(await stored(`${NAME}/3/metadata.yaml`)).toBe("someone else's");
      expect(await stored(`${NAME}/3/raw`)).toBeNull();
      expect(await stored(`${NAME}/4/raw`)).toBe("mine too");
      const b = await machine();
      await b.engine.pullChanged();
      expect(await b.read(`${NAME}/2/raw`)).toBe("mine");
      expect(await b.read(`${NAME}/4/raw`)).toBe("mine too");
      expect(await b.read(`${NAME}/3/raw`)).toBeNull();
    });

    test("a first push that died with only its later version uploaded keeps the versions' order", async () => {
      const a = await machine();
      await writeVersion(a, 1, "older");
      await writeVersion(a, 2, "newer");
      // Uploads go side by side: v2 reached the store, v1 did not, and no index was committed.
      await uploadUncommitted(a, 2);
      const pulled = await a.engine.pullChanged();
      expect(pulled.rebased).toEqual([]);
      const pushed = await a.engine.pushChanged();
      expect(pushed.rebased).toEqual([]);
      expect(await stored(`${NAME}/1/raw`)).toBe("older");
      expect(await stored(`${NAME}/2/raw`)).toBe("newer");
      expect(await stored(`${NAME}/3/raw`)).toBeNull();
      expect(await a.read(`${NAME}/latest`)).toBe("2");
    });

    test("a run of numbers left claimed by pushes that never committed costs one renumbering, not one per number", async () => {
      const { a, b } = await twoClones();
      // Another clone's pushes claimed v2..v9 and died before committing: orphans above the index.
      for (let version = 2; version <= 9; version++) {
        await world.store.put(
          `${NAME}/${version}/metadata.yaml`,
          new TextEncoder().encode(`orphan ${version}`),
        );
      }
      await writeVersion(b, 2, "b2");
      const pushed = await b.engine.pushChanged();
      expect(pushed.rebased.map(({ from, to }) => [from, to])).toEqual([[2, 10]]);
      expect(await stored(`${NAME}/10/raw`)).toBe("b2");
      await a.engine.pullChanged();
      expect(await a.read(`${NAME}/10/raw`)).toBe("b2");
    });

    test("two clones pushing pending versions of one name at once both land, nothing overwritten", async () => {
      const { a, b } = await twoClones();
      await writeVersion(a, 2, "a2");
      await writeVersion(b, 2, "b2");
      const [fromA, fromB] = await Promise.all([a.engine.pushChanged(), b.engine.pushChanged()]);
      expect(fromA.rebased.length + fromB.rebased.length).toBe(1);
      const c = await machine();
      await c.engine.pullChanged();
      const contents = [await c.read(`${NAME}/2/raw`), await c.read(`${NAME}/3/raw`)].sort();
      expect(contents).toEqual(["a2", "b2"]);
      for (const m of [a, b]) {
        await m.engine.pullChanged();
        expect(await m.read(`${NAME}/2/raw`)).toBe(await c.read(`${NAME}/2/raw`));
        expect(await m.read(`${NAME}/3/raw`)).toBe(await c.read(`${NAME}/3/raw`));
      }
    });

    test("a pull follows a remote deletion beside a pending version and never deletes the pending one", async () => {
      const { a, b } = await twoClones();
      await a.remove(`${NAME}/1`);
      await a.engine.pushChanged();
      await writeVersion(b, 2, "b2");

      await b.engine.pullChanged();
      expect(await b.read(`${NAME}/1/raw`)).toBeNull();
      expect(await b.read(`${NAME}/2/raw`)).toBe("b2");
      await b.engine.pushChanged();
      expect(await stored(`${NAME}/1/raw`)).toBeNull();
      expect(await stored(`${NAME}/2/raw`)).toBe("b2");
    });

    test("latest markers are derived in each cache and never uploaded", async () => {
      const a = await machine();
      await writeVersion(a, 1, "one");
      await writeVersion(a, 2, "two");
      await a.write(`${NAME}/latest`, "2");
      await a.engine.pushChanged();
      expect((await keysOf(world.store)).filter((key) => key.endsWith("/latest"))).toEqual([]);
      const b = await machine();
      await b.engine.pullChanged();
      expect(await b.read(`${NAME}/latest`)).toBe("2");
    });

    const damages: [string, (meta: string) => Promise<void>][] = [
      ["deleted", async () => void (await world.store.delete(META))],
      ["commitSeq went back", (meta) => rewriteMeta(meta, (m) => ({ ...m, commitSeq: 0 }))],
      [
        "partitions lost",
        (meta) => rewriteMeta(meta, (m) => ({ ...m, commitSeq: m.commitSeq + 5, partitions: new Map() })),
      ],
    ];
    const rewriteMeta = async (
      text: string,
      change: (
        meta: Exclude<ReturnType<typeof parseMeta>, string>,
      ) => Exclude<ReturnType<typeof parseMeta>, string>,
    ) => {
      const meta = parseMeta(text);
      if (typeof meta === "string") throw new Error(meta);
      await world.store.put(META, new TextEncoder().encode(serializeMeta(change(meta))));
    };

    for (const [damage, apply] of damages) {
      test(`an index that cannot be followed (${damage}) deletes and overwrites nothing; a republish restores it`, async () => {
        const { a, b } = await twoClones();
        await apply((await stored(META)) ?? "");
        const before = await fingerprint(b.cache);
        const refused = await swampFailure(b.engine.pullChanged());
        expect(refused.code).toBe("index_regressed");
        expect(refused.message).toContain("swamp datastore sync --republish");
        expect(await fingerprint(b.cache)).toEqual(before);

        await writeVersion(b, 2, "b2");
        expect((await swampFailure(b.engine.pushChanged())).code).toBe("index_regressed");
        expect(await stored(`${NAME}/1/raw`)).toBe("a1");

        await b.engine.pullChanged({ republish: true });
        b.engine.markDirty(null);
        await b.engine.pushChanged({ republish: true });
        expect(await b.read(`${NAME}/1/raw`)).toBe("a1");
        const c = await machine();
        await c.engine.pullChanged();
        expect(await c.read(`${NAME}/1/raw`)).toBe("a1");
        expect(await c.read(`${NAME}/2/raw`)).toBe("b2");
        // The republished index continues above what b had seen: a, who saw no more, just follows.
        await a.engine.pullChanged();
        expect(await a.read(`${NAME}/2/raw`)).toBe("b2");
      });
    }

    test("a republish over an emptied store uploads the cache again", async () => {
      const { b } = await twoClones();
      for (const key of await keysOf(world.store)) await world.store.delete(key);
      await b.engine.pullChanged({ republish: true });
      b.engine.markDirty(null);
      expect((await b.engine.pushChanged({ republish: true })).uploaded).toBe(2);
      expect(await stored(`${NAME}/1/raw`)).toBe("a1");
    });

    test("a republish puts back the objects the store lost while its index still names them", async () => {
      const { b } = await twoClones();
      await world.store.delete(`${NAME}/1/raw`);
      const c = await machine();
      expect((await c.engine.pullChanged()).rejected.map((r) => r.key)).toEqual([`${NAME}/1/raw`]);

      await b.engine.pullChanged({ republish: true });
      b.engine.markDirty(null);
      expect((await b.engine.pushChanged({ republish: true })).uploaded).toBe(1);
      expect(await stored(`${NAME}/1/raw`)).toBe("a1");
      const d = await machine();
      await d.engine.pullChanged();
      expect(await d.read(`${NAME}/1/raw`)).toBe("a1");
    });

    test("an unreadable meta is replaced by a republish", async () => {
      const { b } = await twoClones();
      await world.store.put(META, new TextEncoder().encode('{"partitions":{}}'));
      expect((await swampFailure(b.engine.pullChanged())).message).toContain("--republish");
      await b.engine.pullChanged({ republish: true });
      b.engine.markDirty(null);
      await b.engine.pushChanged({ republish: true });
      const c = await machine();
      await c.engine.pullChanged();
      expect(await c.read(`${NAME}/1/raw`)).toBe("a1");
    });
  });
}
