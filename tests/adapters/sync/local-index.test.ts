import { describe, expect, test } from "bun:test";
import { StoredIndex } from "../../../adapters/sync/local-index.ts";
import type { LocalEntry } from "../../../adapters/sync/sync-state-file.ts";
import { unitKey, unitOf } from "../../../core/sync/index-buckets.ts";
import { childrenPartition } from "../../../core/sync/partition-key.ts";

const MODEL = "data/aws/ec2/0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";
const PK = "data--aws--ec2--0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";
const entry = (n: number): LocalEntry => ({ size: n, sha256: String(n).padStart(64, "0"), modifiedAt: 1 });

/** A model of `names` names with two versions each, plus a file elsewhere. */
function entriesOf(names: number): Map<string, LocalEntry> {
  const entries = new Map<string, LocalEntry>();
  for (let n = 0; n < names; n++)
    for (const v of [1, 2]) {
      entries.set(`${MODEL}/rec-${n}/${v}/metadata.yaml`, entry(n * 10 + v));
      entries.set(`${MODEL}/rec-${n}/${v}/raw`, entry(n * 10 + v + 5));
    }
  entries.set("files/notes.txt", entry(7));
  return entries;
}

const layout = new Map([[PK, 8]]);
const sorted = (map: ReadonlyMap<string, LocalEntry>) => [...map].sort(([a], [b]) => (a < b ? -1 : 1));

describe("the stored local index", () => {
  test("reads back what it wrote, and the one-document format before it", () => {
    const entries = entriesOf(20);
    const written = StoredIndex.of("id-1", entries, layout, "namespace");
    const read = StoredIndex.parse(written.text(), "namespace");
    expect(read?.id).toBe("id-1");
    expect(sorted(read?.all() ?? new Map())).toEqual(sorted(entries));
    const old = JSON.stringify({ version: 1, id: "id-0", entries: Object.fromEntries(entries) });
    expect(sorted(StoredIndex.parse(old, "namespace")?.all() ?? new Map())).toEqual(sorted(entries));
    expect(StoredIndex.parse('{"version":9,"id":"x"}', "namespace")).toBeNull();
  });

  test("a unit under another bucket count is gathered from the partition", () => {
    const entries = entriesOf(20);
    const read = StoredIndex.parse(StoredIndex.of("id", entries, layout, "namespace").text(), "namespace");
    const unit = unitKey(PK, 4, 1);
    const expected = [...entries].filter(([rel]) => unitOf(rel, new Map([[PK, 4]])) === unit);
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(read?.get(unit) ?? new Map())).toEqual(sorted(new Map(expected)));
    expect(read?.get(PK).size).toBe(entries.size - 1);
    expect([...(read?.partitions() ?? [])].sort()).toEqual([PK, "files"]);
  });

  test("covering a folder finds its entries in every bucket; a file, its own unit", () => {
    const entries = entriesOf(20);
    const read = StoredIndex.parse(StoredIndex.of("id", entries, layout, "namespace").text(), "namespace");
    const under = [...entries.keys()].filter((rel) => rel.startsWith(`${MODEL}/rec-3/`));
    const covered = read?.covering([`${MODEL}/rec-3`], []) ?? new Map();
    for (const rel of under) expect(covered.has(rel)).toBe(true);
    const file = `${MODEL}/rec-4/2/raw`;
    const one = read?.covering([file], []) ?? new Map();
    expect(one.get(file)).toEqual(entries.get(file) as LocalEntry);
    expect(one.size).toBeLessThan(entries.size);
  });

  test("a change rewrites its unit, regroups a partition whose bucket count changed, keeps the rest", () => {
    const entries = entriesOf(20);
    const read = StoredIndex.parse(StoredIndex.of("id", entries, layout, "namespace").text(), "namespace");
    const gone = `${MODEL}/rec-1/1/raw`;
    const added = `${MODEL}/rec-99/1/raw`;
    const changes = new Map<string, LocalEntry | null>([
      [gone, null],
      [added, entry(999)],
    ]);
    const expected = new Map(entries);
    expected.delete(gone);
    expected.set(added, entry(999));
    for (const next of [new Map([[PK, 8]]), new Map([[PK, 2]]), new Map<string, number>()]) {
      const changed = read?.changed("id-2", changes, next);
      const again = StoredIndex.parse(changed?.text() ?? "", "namespace");
      expect(again?.id).toBe("id-2");
      expect(again?.layout).toEqual(next);
      expect(sorted(again?.all() ?? new Map())).toEqual(sorted(expected));
    }
  });

  test("the partition of every path under a folder, when the folder settles it", () => {
    expect(childrenPartition(`${MODEL}/rec-3`)).toBe(PK);
    expect(childrenPartition("data/aws")).toBeNull();
    expect(childrenPartition("workflow-runs/wf")).toBe("workflow-runs--wf");
    expect(childrenPartition("workflow-runs")).toBeNull();
    expect(childrenPartition("files/a")).toBe("files");
    expect(childrenPartition("")).toBeNull();
  });
});
