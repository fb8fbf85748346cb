import { describe, expect, test } from "bun:test";
import {
  bucketCount,
  bucketOf,
  layoutOf,
  parseUnit,
  splitEntries,
  UnitEntries,
  unitKey,
  unitOf,
} from "../../../core/sync/index-buckets.ts";
import { collectableShards, SHARD_GRACE_MS } from "../../../core/sync/shard-collection.ts";
import {
  bucketShardKey,
  type IndexMeta,
  type PartitionRef,
  parseMeta,
  parseShard,
  serializeMeta,
  serializeShard,
  shardKey,
} from "../../../core/sync/sync-index.ts";

const MODEL = "data/aws/ec2/0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";
const PK = "data--aws--ec2--0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";
const sha = "ab".repeat(32);
const sha16 = "0123456789abcdef";

function metaOf(partitions: [string, PartitionRef][]): IndexMeta {
  return {
    version: 2,
    commitSeq: 7,
    partitions: new Map(partitions),
    committedAt: "2026-01-01T00:00:00.000Z",
  };
}

describe("split partitions: the rule", () => {
  test("a partition stays one shard up to the threshold, then doubles its buckets so none holds much more than max(threshold, √(3·entries))", () => {
    expect(bucketCount(1, 128, 128)).toBe(1);
    expect(bucketCount(1, 129, 128)).toBe(2);
    expect(bucketCount(1, 1000, 128)).toBe(8);
    // 200,000 entries (100k records): buckets of about √600,000 ≈ 775 at most → 512 buckets of ~390.
    expect(bucketCount(1, 200_000, 128)).toBe(512);
    expect(bucketCount(512, 200_001, 128)).toBe(512);
  });

  test("it halves back only once buckets are under a quarter full; one entry either side of a boundary changes nothing", () => {
    expect(bucketCount(2, 128, 128)).toBe(2);
    expect(bucketCount(2, 64, 128)).toBe(2);
    expect(bucketCount(2, 63, 128)).toBe(1);
    expect(bucketCount(8, 1000, 128)).toBe(8);
    expect(bucketCount(16, 1000, 128)).toBe(16);
    expect(bucketCount(64, 1000, 128)).toBe(8);
  });

  test("a version's files share a bucket; the bucket depends on the path only", () => {
    for (const n of [2, 8, 64, 1024]) {
      for (let v = 1; v <= 20; v++) {
        const b = bucketOf(`${MODEL}/web/${v}/metadata.yaml`, n);
        expect(bucketOf(`${MODEL}/web/${v}/raw`, n)).toBe(b);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(n);
      }
    }
    const spread = new Set(Array.from({ length: 200 }, (_, v) => bucketOf(`${MODEL}/n${v}/1/raw`, 8)));
    expect(spread.size).toBe(8);
    expect(bucketOf(`${MODEL}/web/1/raw`, 1)).toBe(0);
  });

  test("units name their partition, bucket count and bucket; a plain partition is its own key", () => {
    expect(unitKey(PK, 1, 0)).toBe(PK);
    expect(parseUnit(PK)).toEqual({ pk: PK, buckets: 1, bucket: 0 });
    expect(parseUnit(unitKey(PK, 8, 5))).toEqual({ pk: PK, buckets: 8, bucket: 5 });
    const layout = layoutOf([unitKey(PK, 4, 0), unitKey(PK, 4, 1), "files"]);
    expect([...layout]).toEqual([[PK, 4]]);
    const rel = `${MODEL}/web/3/raw`;
    expect(unitOf(rel, layout)).toBe(unitKey(PK, 4, bucketOf(rel, 4)));
    expect(unitOf("files/x", layout)).toBe("files");
  });

  test("entries by unit: every entry of a split partition in exactly its bucket", () => {
    const rels = Array.from({ length: 40 }, (_, v) => `${MODEL}/web/${v + 1}/raw`);
    const index = new UnitEntries(rels.map((rel): [string, number] => [rel, 1]));
    const seen = [0, 1, 2, 3].flatMap((b) => [...index.get(unitKey(PK, 4, b)).keys()]);
    expect(seen.sort()).toEqual([...rels].sort());
    expect(index.get(PK).size).toBe(40);
    expect(splitEntries(index.partition(PK), 4).map((m) => m.size)).toEqual(
      [0, 1, 2, 3].map((b) => index.get(unitKey(PK, 4, b)).size),
    );
  });
});

describe("split partitions: the meta", () => {
  test("with no split partition the meta is version 2, byte for byte what older builds write", () => {
    const meta = metaOf([["files", { key: shardKey("files", sha), sha256: sha, entries: 1 }]]);
    expect(serializeMeta(meta)).toBe(
      `{"version":2,"commitSeq":7,"partitions":{"files":{"key":"_index/files.abababababababab.json","sha256":"${sha}","entries":1}},"committedAt":"2026-01-01T00:00:00.000Z"}`,
    );
  });

  test("a split partition makes it version 3, naming each bucket by 16 hex digits and its entries; it round-trips", () => {
    const units: [string, PartitionRef][] = [0, 1].map((b) => {
      const unit = unitKey(PK, 2, b);
      return [unit, { key: bucketShardKey(unit, sha16), sha256: sha16, entries: 10 + b }];
    });
    const meta = metaOf([["files", { key: shardKey("files", sha), sha256: sha, entries: 1 }], ...units]);
    const text = serializeMeta(meta);
    expect(JSON.parse(text).version).toBe(3);
    expect(JSON.parse(text).partitions[PK]).toEqual({
      entries: 21,
      buckets: `${sha16}:10 ${sha16}:11`,
    });
    expect(units[1]?.[1].key).toBe(`_index/${PK}/2.1.${sha16}.json.gz`);
    expect(parseMeta(text)).toEqual({ ...meta, version: 3 });
  });

  test("a version-3 meta with a bucket count that is not a power of two, or a bad bucket, is refused", () => {
    const doc = (buckets: string) =>
      JSON.stringify({ version: 3, commitSeq: 1, partitions: { [PK]: { entries: 1, buckets } } });
    expect(parseMeta(doc(`${sha16}:1 ${sha16}:1 ${sha16}:1`))).toContain("bad partition");
    expect(parseMeta(doc(`${sha16}:1`))).toContain("bad partition");
    expect(parseMeta(doc(`${sha16}:1 nothex0123456789:1`))).toContain("bad partition");
    expect(typeof parseMeta(doc(`${sha16}:1 ${sha16}:0`))).toBe("object");
    // A version-2 meta never holds buckets.
    expect(parseMeta(doc(`${sha16}:1 ${sha16}:0`).replace('"version":3', '"version":2'))).toContain(
      "bad partition",
    );
  });

  test("a bucket's shard holds only the entries of its bucket", () => {
    const rels = Array.from({ length: 16 }, (_, v) => `${MODEL}/web/${v + 1}/raw`);
    const entry = { size: 1, sha256: sha, modifiedAt: 1 };
    const unit = unitKey(PK, 4, 1);
    const shard = parseShard(
      serializeShard(
        rels.map((rel): [string, typeof entry] => [rel, entry]),
        "w",
      ),
      unit,
    );
    if (typeof shard === "string") throw new Error(shard);
    const mine = rels.filter((rel) => bucketOf(rel, 4) === 1);
    expect([...shard.entries.keys()].sort()).toEqual(mine.sort());
    expect(shard.rejected).toHaveLength(rels.length - mine.length);
  });

  test("the sweep takes old bucket shards no meta names, never a named one", () => {
    const named = bucketShardKey(unitKey(PK, 2, 0), sha16);
    const old = bucketShardKey(unitKey(PK, 2, 0), "fedcba9876543210");
    const meta = metaOf([[unitKey(PK, 2, 0), { key: named, sha256: sha16, entries: 1 }]]);
    const listed = [named, old, `_index/${PK}/notes.txt`].map((key) => ({
      key,
      version: key,
      modifiedAt: 0,
      serverNow: 2 * SHARD_GRACE_MS,
    }));
    expect(collectableShards(listed, meta).map((o) => o.key)).toEqual([old]);
  });
});
