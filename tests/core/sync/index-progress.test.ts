import { describe, expect, test } from "bun:test";
import { indexRegression } from "../../../core/sync/index-progress.ts";
import type { IndexMeta } from "../../../core/sync/sync-index.ts";

const meta = (commitSeq: number, partitions: string[]): IndexMeta => ({
  version: 2,
  commitSeq,
  partitions: new Map(
    partitions.map((pk) => [pk, { key: `_index/${pk}.json`, sha256: "0".repeat(64), entries: 1 }]),
  ),
  committedAt: "",
});

describe("indexRegression", () => {
  const known = { commitSeq: 4, partitions: ["a", "b"] };

  test("an index that moved forward, or stayed, can be followed", () => {
    expect(indexRegression(known, meta(4, ["a", "b"]))).toBeNull();
    expect(indexRegression(known, meta(9, ["a", "b", "c"]))).toBeNull();
  });

  test("a clone that never synced follows anything", () => {
    expect(indexRegression({ commitSeq: -1, partitions: [] }, null)).toBeNull();
    expect(indexRegression({ commitSeq: 0, partitions: [] }, meta(1, []))).toBeNull();
  });

  test("vanished, gone back or lost partitions are damage, each said plainly", () => {
    expect(indexRegression(known, null)).toContain("vanished");
    expect(indexRegression(known, meta(3, ["a", "b"]))).toContain("went back from 4 to 3");
    expect(indexRegression(known, meta(5, ["a"]))).toContain("lost 1 partition(s) this clone knew (b)");
  });
});
