import { describe, expect, test } from "bun:test";
import {
  collectableShards,
  type ListedObject,
  SHARD_GRACE_MS,
  SWEEP_AFTER,
  sweepDue,
} from "../../../core/sync/shard-collection.ts";
import { type IndexMeta, parseMeta, serializeMeta } from "../../../core/sync/sync-index.ts";

const NOW = 10 * SHARD_GRACE_MS;
const sha = "ab".repeat(32);
const old = (key: string, ageMs = SHARD_GRACE_MS + 1): ListedObject => ({
  key,
  version: `v-${key}`,
  modifiedAt: NOW - ageMs,
  serverNow: NOW,
});
const meta = (...keys: string[]): IndexMeta => ({
  version: 2,
  commitSeq: 3,
  partitions: new Map(keys.map((key, i) => [`p${i}`, { key, sha256: sha, entries: 1 }])),
  committedAt: "",
});

describe("collectableShards", () => {
  test("only shards the committed meta does not name, older than the grace period on the store's clock", () => {
    const listed = [
      old("_index/_meta.json"),
      old("_index/files.0123456789abcdef.json"),
      old("_index/files.1111111111111111.json"),
      old("_index/files.2222222222222222.json", SHARD_GRACE_MS),
      old("_index/data--aws--m.3333333333333333.json", 5 * SHARD_GRACE_MS),
      old("_index/notes.txt"),
      old("_index/sub/x.4444444444444444.json"),
    ];
    const chosen = collectableShards(listed, meta("_index/files.0123456789abcdef.json"));
    expect(chosen.map((o) => o.key)).toEqual([
      "_index/data--aws--m.3333333333333333.json",
      "_index/files.1111111111111111.json",
    ]);
    expect(chosen[0]?.version).toBe("v-_index/data--aws--m.3333333333333333.json");
  });

  test("at most `limit` per push, oldest first", () => {
    const listed = Array.from({ length: 5 }, (_, i) =>
      old(`_index/files.${String(i).repeat(16)}.json`, SHARD_GRACE_MS + 1000 * (5 - i)),
    );
    expect(collectableShards(listed, meta(), { limit: 2 }).map((o) => o.key)).toEqual([
      "_index/files.0000000000000000.json",
      "_index/files.1111111111111111.json",
    ]);
  });

  test("an object written after the store's now (clock skew) is young", () => {
    expect(collectableShards([old("_index/files.5555555555555555.json", -60_000)], meta())).toEqual([]);
  });
});

describe("sweepDue", () => {
  test("a commit sweeps once SWEEP_AFTER shards were replaced since the last sweep, then owes nothing", () => {
    expect(sweepDue(0, 1)).toEqual({ sweep: false, unswept: 1 });
    expect(sweepDue(SWEEP_AFTER - 2, 1)).toEqual({ sweep: false, unswept: SWEEP_AFTER - 1 });
    expect(sweepDue(SWEEP_AFTER - 1, 1)).toEqual({ sweep: true, unswept: 0 });
    expect(sweepDue(0, SWEEP_AFTER + 40)).toEqual({ sweep: true, unswept: 0 });
  });

  test("the meta carries the count; a meta without it (older builds) owes nothing", () => {
    const owed = parseMeta(serializeMeta({ ...meta("_index/files.0123456789abcdef.json"), unswept: 5 }));
    expect(typeof owed === "string" ? owed : owed.unswept).toBe(5);
    const none = parseMeta(serializeMeta(meta("_index/files.0123456789abcdef.json")));
    expect(typeof none === "string" ? none : none.unswept).toBeUndefined();
    expect(serializeMeta(meta())).not.toContain("unswept");
  });
});
