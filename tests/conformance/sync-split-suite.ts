import { describe, expect, test } from "bun:test";
import { surveyBucket } from "../../adapters/sync/bucket-survey.ts";
import { indexFindings } from "../../core/doctor/index-findings.ts";
import { bucketOf, parseUnit } from "../../core/sync/index-buckets.ts";
import { type IndexMeta, parseMeta } from "../../core/sync/sync-index.ts";
import { passThrough } from "../support/pass-through-store.ts";
import { swampFailure } from "../support/swamp-failure.ts";
import {
  keysOf,
  type Machine,
  META,
  MODEL_1,
  MODEL_2,
  type SyncStoreFixture,
} from "../support/sync-machine.ts";
import { useSyncWorld } from "../support/sync-world.ts";

/** Every request a clone makes, by operation and key. */
function recording(world: { store: import("../../core/ports/object-store.ts").ObjectStore }) {
  const log: { op: string; key: string; bytes: number }[] = [];
  const store = passThrough(world.store, {
    get: async (key, signal) => {
      log.push({ op: "get", key, bytes: 0 });
      return world.store.get(key, signal);
    },
    put: async (key, body, when, signal) => {
      log.push({ op: "put", key, bytes: body.byteLength });
      return world.store.put(key, body, when, signal);
    },
    list: (prefix, after, signal) => {
      log.push({ op: "list", key: prefix, bytes: 0 });
      return world.store.list(prefix, after, signal);
    },
  });
  return { store, log };
}

const SPLIT_AT = 4;

/**
 * Split index partitions (docs/architecture.md, "Split partitions"), with every partition over
 * SPLIT_AT entries split, whatever the fixture says.
 */
export function splitConformance(name: string, makeStore: () => Promise<SyncStoreFixture>): void {
  describe(`Sync conformance (split partitions): ${name}`, () => {
    const world = useSyncWorld(
      async () => ({ ...(await makeStore()), indexSplitEntries: SPLIT_AT }),
      "swamp-index-split",
    );

    /** A pull that brings everything in: no entry refused (a shard holding another bucket's entries would be). */
    const pulledClean = async (m: Machine) => {
      const pulled = await m.engine.pullChanged();
      expect(pulled.rejected).toEqual([]);
      return pulled;
    };
    const meta = async (): Promise<IndexMeta> => {
      const parsed = parseMeta(new TextDecoder().decode((await world.store.get(META))?.body));
      if (typeof parsed === "string") throw new Error(parsed);
      return parsed;
    };
    const bucketsOf = async (model: string) => {
      const pk = model.split("/").join("--");
      return [...(await meta()).partitions.keys()].filter((unit) => parseUnit(unit).pk === pk);
    };
    const putRecords = async (m: Machine, model: string, from: number, to: number) => {
      for (let v = from; v <= to; v++) {
        await m.write(`${model}/web/${v}/metadata.yaml`, `version: ${v}\n`);
        await m.write(`${model}/web/${v}/raw`, `content ${v}`);
      }
    };

    test("a big model is held in buckets; a one-record put rewrites one bucket and the meta, and another clone reads only that bucket", async () => {
      const a = await world.machine();
      await putRecords(a, MODEL_1, 1, 40);
      await a.write("files/x", "small");
      await a.engine.pushChanged();
      const units = await bucketsOf(MODEL_1);
      // 80 entries over buckets of at most max(4, √240 ≈ 15.5) → 8 buckets.
      expect(units).toHaveLength(8);
      expect((await meta()).version).toBe(3);
      expect((await meta()).partitions.has("files")).toBe(true);
      const b = await world.machine();
      await pulledClean(b);
      expect(await b.read(`${MODEL_1}/web/40/raw`)).toBe("content 40");

      const traced = recording(world);
      a.engine = a.engineOver(traced.store);
      await putRecords(a, MODEL_1, 41, 41);
      await pulledClean(a);
      traced.log.length = 0;
      await a.engine.pushChanged();
      const indexPuts = traced.log.filter((r) => r.op === "put" && r.key.startsWith("_index/"));
      expect(indexPuts.map((r) => r.key.split("/").length)).toEqual([3, 2]);
      expect(indexPuts[1]?.key).toBe(META);
      expect(traced.log.filter((r) => r.op === "get")).toEqual([]);

      const tracedB = recording(world);
      b.engine = b.engineOver(tracedB.store);
      const pulled = await pulledClean(b);
      expect(pulled.downloaded).toBe(2);
      expect(tracedB.log.filter((r) => r.key.startsWith("_index/")).map((r) => r.key)).toEqual([
        META,
        indexPuts[0]?.key ?? "a bucket shard",
      ]);
      expect(await b.read(`${MODEL_1}/web/41/metadata.yaml`)).toBe("version: 41\n");
      // Zero diff: the meta alone.
      tracedB.log.length = 0;
      await pulledClean(b);
      expect(tracedB.log).toHaveLength(1);
    });

    test("two clones committing into the same and into different buckets at once both land", async () => {
      const a = await world.machine();
      await putRecords(a, MODEL_1, 1, 30);
      for (let i = 0; i < 40; i++) await a.write(`${MODEL_1}/s${i}/state`, "0");
      await a.engine.pushChanged();
      const b = await world.machine();
      await pulledClean(b);
      const buckets = (await bucketsOf(MODEL_1)).length;
      const bucket = (i: number) => bucketOf(`${MODEL_1}/s${i}/state`, buckets);
      // b's second file shares a bucket with a's; its first does not.
      const other = [...Array(40).keys()].find((i) => i > 0 && bucket(i) !== bucket(0)) as number;
      const same = [...Array(40).keys()].find((i) => i > 0 && bucket(i) === bucket(0)) as number;
      expect([other, same].every((i) => i !== undefined)).toBe(true);
      await a.write(`${MODEL_1}/s0/state`, "a");
      await b.write(`${MODEL_1}/s${other}/state`, "b");
      await b.write(`${MODEL_1}/s${same}/state`, "b");
      // Both commit on the meta they read: b loses the race and re-applies its changes on a's.
      await a.engine.pushChanged();
      await b.engine.pushChanged();
      expect((await bucketsOf(MODEL_1)).length).toBe(buckets);
      const c = await world.machine();
      await pulledClean(c);
      for (const [i, body] of [
        [0, "a"],
        [other, "b"],
        [same, "b"],
      ] as const)
        expect(await c.read(`${MODEL_1}/s${i}/state`)).toBe(body);
      for (let v = 1; v <= 30; v++) expect(await c.read(`${MODEL_1}/web/${v}/raw`)).toBe(`content ${v}`);
      await pulledClean(a);
      expect(await a.read(`${MODEL_1}/s${same}/state`)).toBe("b");
      await pulledClean(b);
      expect(await b.read(`${MODEL_1}/s0/state`)).toBe("a");
    });

    test("a bucket count change rewrites the partition once; deletions shrink it back to one shard and a version-2 meta", async () => {
      const a = await world.machine();
      const b = await world.machine();
      await putRecords(a, MODEL_1, 1, 10);
      await a.write(`${MODEL_2}/web/1/raw`, "other");
      await a.engine.pushChanged();
      await pulledClean(b);
      const before = await bucketsOf(MODEL_1);
      await putRecords(a, MODEL_1, 11, 60);
      await a.engine.pushChanged();
      const after = await bucketsOf(MODEL_1);
      expect(after.length).toBeGreaterThan(before.length);
      expect(after.some((unit) => before.includes(unit))).toBe(false);
      // B follows a change of bucket count as an ordinary change, not as a lost partition.
      const pulled = await pulledClean(b);
      expect(pulled.downloaded).toBe(100);
      for (let v = 1; v <= 60; v += 7) expect(await b.read(`${MODEL_1}/web/${v}/raw`)).toBe(`content ${v}`);
      // B deletes nearly everything: the partition goes back to one shard, the meta to version 2.
      for (let v = 2; v <= 60; v++) await b.remove(`${MODEL_1}/web/${v}`);
      await b.engine.pushChanged();
      expect(await bucketsOf(MODEL_1)).toEqual([MODEL_1.split("/").join("--")]);
      expect(JSON.parse(new TextDecoder().decode((await world.store.get(META))?.body)).version).toBe(2);
      const pulledA = await pulledClean(a);
      expect(pulledA.deleted).toBe(118);
      expect(await a.read(`${MODEL_1}/web/1/raw`)).toBe("content 1");
      expect(await a.read(`${MODEL_1}/web/2/raw`)).toBeNull();
      expect(await a.read(`${MODEL_2}/web/1/raw`)).toBe("other");
    });

    test("a deletion names the entry it saw: another clone's replacement in the same bucket stays", async () => {
      const a = await world.machine();
      await putRecords(a, MODEL_1, 1, 20);
      await a.write(`${MODEL_1}/notes`, "first");
      await a.engine.pushChanged();
      const b = await world.machine();
      await pulledClean(b);
      await a.write(`${MODEL_1}/notes`, "replaced");
      await a.engine.pushChanged();
      await b.remove(`${MODEL_1}/notes`);
      await b.engine.pushChanged();
      const c = await world.machine();
      await pulledClean(c);
      expect(await c.read(`${MODEL_1}/notes`)).toBe("replaced");
    });

    test("a republish over a lost meta rebuilds the split index from a cache", async () => {
      const a = await world.machine();
      await putRecords(a, MODEL_1, 1, 30);
      await a.engine.pushChanged();
      const shards = (await keysOf(world.store, "_index/")).filter((key) => key !== META);
      expect(shards.some((key) => key.endsWith(".json.gz"))).toBe(true);
      await world.store.delete(META);
      await expect(a.engine.pullChanged()).rejects.toThrow("vanished");
      await a.engine.pullChanged({ republish: true });
      a.engine.markDirty(null);
      await a.engine.pushChanged({ republish: true });
      expect((await bucketsOf(MODEL_1)).length).toBeGreaterThan(1);
      const b = await world.machine();
      const pulled = await pulledClean(b);
      expect(pulled.downloaded).toBe(60);
      expect(pulled.rejected).toEqual([]);
    });

    test("doctor's survey reads every bucket: a healthy split index has no finding, a lost bucket shard is named", async () => {
      const a = await world.machine();
      await putRecords(a, MODEL_1, 1, 30);
      await a.engine.pushChanged();
      await world.clock.advance(2 * 60 * 60 * 1000);
      const findings = async () => {
        const survey = await surveyBucket(world.store, "", new AbortController().signal);
        return indexFindings({
          prefix: "",
          ...survey,
          known: { commitSeq: 0, partitions: [] },
          graceMs: 60_000,
          cacheHolds: () => true,
        });
      };
      expect(await findings()).toEqual([]);
      const bucket = [...(await meta()).partitions.values()].find((ref) => ref.key.endsWith(".json.gz"));
      if (bucket === undefined) throw new Error("no bucket shard");
      await world.store.delete(bucket.key);
      expect((await findings()).map((f) => [f.code, f.subject])).toEqual([
        ["index_shard_missing", bucket.key],
      ]);
    });

    test("a meta of a later format stops pulls and pushes, and even a republish does not replace it", async () => {
      const a = await world.machine();
      await putRecords(a, MODEL_1, 1, 2);
      await a.engine.pushChanged();
      const later = JSON.stringify({
        ...JSON.parse(new TextDecoder().decode((await world.store.get(META))?.body)),
        version: 4,
      });
      await world.store.put(META, new TextEncoder().encode(later));
      const b = await world.machine();
      for (const attempt of [() => b.engine.pullChanged(), () => b.engine.pullChanged({ republish: true })]) {
        const failure = await swampFailure(attempt());
        expect(failure.message).toContain("written by a newer swamp (index version 4)");
        expect(failure.message).toContain("Upgrade swamp");
      }
      expect(new TextDecoder().decode((await world.store.get(META))?.body)).toBe(later);
    });
  });
}
