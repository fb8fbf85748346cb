import { describe, expect, test } from "bun:test";
import type { IndexEntry } from "../../../core/sync/sync-index.ts";
import {
  applyDelta,
  dirtyMatcher,
  lostObjects,
  planPull,
  planPush,
  splitDelta,
} from "../../../core/sync/sync-plan.ts";

const e = (sha: string, size = 1): IndexEntry => ({
  size,
  sha256: sha.repeat(64).slice(0, 64),
  modifiedAt: 0,
});
const map = (entries: Record<string, IndexEntry>) => new Map(Object.entries(entries));
const none = () => false;

describe("dirtyMatcher", () => {
  test("a path is dirty when it or one of its parent dirs was marked", () => {
    const dirty = dirtyMatcher(["data/a/m/n", "files/x"]);
    expect(dirty("data/a/m/n")).toBe(true);
    expect(dirty("data/a/m/n/1/raw")).toBe(true);
    expect(dirty("data/a/m/nn/1/raw")).toBe(false);
    expect(dirty("files/x")).toBe(true);
    expect(dirty("files")).toBe(false);
    expect(dirtyMatcher([])("anything")).toBe(false);
  });
});

describe("planPull", () => {
  test("downloads new and changed entries (by sha256, even at the same size); deletes what the remote dropped", () => {
    const remote = map({ same: e("a"), changed: e("c"), added: e("d") });
    const local = map({ same: e("a"), changed: e("b"), gone: e("e") });
    expect(planPull(remote, local, none)).toEqual({
      downloads: ["changed", "added"],
      localDeletions: ["gone"],
      keptLocal: [],
    });
  });

  test("dirty local paths win over remote changes and remote deletions", () => {
    const remote = map({ "m/latest": e("c") });
    const local = map({ "m/latest": e("b"), "m/1/raw": e("e") });
    expect(planPull(remote, local, dirtyMatcher(["m"]))).toEqual({
      downloads: [],
      localDeletions: [],
      keptLocal: ["m/latest", "m/1/raw"],
    });
  });
});

describe("planPull on version files", () => {
  const NAME = "data/aws/0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11/web";

  test("immutable: a remote version and a remote deletion are followed even in a dirty name", () => {
    const remote = map({ [`${NAME}/2/raw`]: e("b"), [`${NAME}/state`]: e("s") });
    const local = map({ [`${NAME}/1/raw`]: e("a"), [`${NAME}/state`]: e("t") });
    expect(planPull(remote, local, dirtyMatcher([NAME]))).toEqual({
      downloads: [`${NAME}/2/raw`],
      localDeletions: [`${NAME}/1/raw`],
      keptLocal: [`${NAME}/state`],
    });
  });
});

describe("planPush", () => {
  const index = map({ "m/a": e("a"), "m/b": e("b"), "n/c": e("c") });

  test("full walk: uploads new and changed files, deletes index entries whose file is gone", () => {
    const files = new Map([
      ["m/a", { size: 1, sha256: e("a").sha256 }],
      ["m/b", { size: 1, sha256: e("z").sha256 }],
      ["n/new", { size: 1, sha256: e("n").sha256 }],
    ]);
    expect(planPush(index, files, null)).toEqual({ uploads: ["m/b", "n/new"], remoteDeletions: ["n/c"] });
  });

  test("scoped walk: only entries under the dirty paths can be deleted", () => {
    expect(planPush(index, new Map(), ["m"])).toEqual({ uploads: [], remoteDeletions: ["m/a", "m/b"] });
    expect(planPush(index, new Map(), ["m/a"])).toEqual({ uploads: [], remoteDeletions: ["m/a"] });
  });

  test("shielded paths (not walked) are never deleted", () => {
    expect(planPush(index, new Map(), null, ["m"])).toEqual({ uploads: [], remoteDeletions: ["n/c"] });
  });
});

describe("applyDelta and splitDelta", () => {
  test("each partition gets its own changes, re-applied on the current remote; ours win", () => {
    const delta = {
      upserts: map({ "m/a": e("x"), "n/z": e("z") }),
      deletions: new Map([["m/b", e("b").sha256]]),
    };
    const parts = splitDelta(delta, (rel) => rel.split("/")[0] ?? "");
    expect([...parts.keys()].sort()).toEqual(["m", "n"]);
    const m = parts.get("m");
    if (!m) throw new Error("no m");
    const next = applyDelta(map({ "m/a": e("a"), "m/b": e("b") }), m);
    expect([...next]).toEqual([["m/a", e("x")]]);
  });

  test("a deletion removes only the entry this clone saw; a replaced one stays", () => {
    const delta = { upserts: new Map(), deletions: new Map([["m/b", e("b").sha256]]) };
    expect([...applyDelta(map({ "m/b": e("c") }), delta)]).toEqual([["m/b", e("c")]]);
  });
});

describe("lostObjects", () => {
  test("files the index names with these bytes whose object is not in the store", () => {
    const index = map({ "m/kept": e("k"), "m/lost": e("l"), "m/changed": e("c") });
    const files = map({ "m/kept": e("k"), "m/lost": e("l"), "m/changed": e("c2"), "m/new": e("n") });
    expect(lostObjects(index, files, new Set(["m/kept"]))).toEqual(["m/lost"]);
    expect(lostObjects(index, files, new Set(["m/kept", "m/lost", "m/changed"]))).toEqual([]);
  });
});
