import { describe, expect, test } from "bun:test";
import {
  parseMeta,
  parseShard,
  serializeMeta,
  serializeShard,
  shardKey,
} from "../../../core/sync/sync-index.ts";

const sha = "ab".repeat(32);
const entry = { size: 3, sha256: sha, modifiedAt: 5 };

describe("index format", () => {
  test("meta round-trips", () => {
    const partitions = new Map([["files", { key: shardKey("files", sha), sha256: sha, entries: 1 }]]);
    const meta = { version: 2 as const, commitSeq: 4, partitions, committedAt: "2026-01-01T00:00:00.000Z" };
    expect(parseMeta(serializeMeta(meta))).toEqual(meta);
    expect(shardKey("files", sha)).toBe("_index/files.abababababababab.json");
  });

  test("a meta that is not ours, or names shards outside _index/, is refused", () => {
    expect(parseMeta("nope")).toBe("not a JSON object");
    expect(parseMeta('{"version":1}')).toContain("unsupported");
    const bad = {
      version: 2,
      commitSeq: 1,
      partitions: { x: { key: "../x.json", sha256: sha, entries: 1 } },
    };
    expect(parseMeta(JSON.stringify(bad))).toContain("bad partition");
    const nested = {
      version: 2,
      commitSeq: 1,
      partitions: { x: { key: "_index/a/b.json", sha256: sha, entries: 1 } },
    };
    expect(parseMeta(JSON.stringify(nested))).toContain("bad partition");
  });

  test("shards are canonical for one write: the same entries in any order give the same bytes; another write differs", () => {
    const a = serializeShard(
      [
        ["files/b", entry],
        ["files/a", entry],
      ],
      "w1",
    );
    const b = serializeShard(
      [
        ["files/a", entry],
        ["files/b", entry],
      ],
      "w1",
    );
    expect(a).toBe(b);
    expect(serializeShard([["files/a", entry]], "w2")).not.toBe(serializeShard([["files/a", entry]], "w1"));
    const parsed = parseShard(a, "files");
    expect(typeof parsed !== "string" && [...parsed.entries.keys()]).toEqual(["files/a", "files/b"]);
  });

  test("unsafe, malformed and misfiled entries are rejected one by one", () => {
    const text = JSON.stringify({
      version: 1,
      entries: {
        "files/ok": entry,
        "../x": entry,
        "files/bad": { size: -1, sha256: sha, modifiedAt: 0 },
        "audit/x": entry,
        ["__proto__"]: entry,
      },
    });
    const parsed = parseShard(text, "files");
    if (typeof parsed === "string") throw new Error(parsed);
    expect([...parsed.entries.keys()]).toEqual(["files/ok"]);
    expect(parsed.rejected.map((r) => r.key).sort()).toEqual(["../x", "__proto__", "audit/x", "files/bad"]);
  });

  test("names with U+FFFD are refused only when the shard's bytes were not all UTF-8", () => {
    const text = JSON.stringify({ version: 1, entries: { "files/a\uFFFDb": entry, "files/ok": entry } });
    const clean = parseShard(text, "files");
    if (typeof clean === "string") throw new Error(clean);
    expect([...clean.entries.keys()].sort()).toEqual(["files/a\uFFFDb", "files/ok"]);
    const decoded = parseShard(text, "files", { notUtf8: true });
    if (typeof decoded === "string") throw new Error(decoded);
    expect([...decoded.entries.keys()]).toEqual(["files/ok"]);
    expect(decoded.rejected).toEqual([
      { key: "files/a\uFFFDb", reason: expect.stringContaining("not valid UTF-8") },
    ]);
  });

  test("a name with an escaped lone surrogate is refused, the rest of the shard kept", () => {
    const text =
      '{"version":1,"entries":{"files/\\ud800x":{"size":3,"sha256":"' +
      sha +
      '","modifiedAt":5},"files/ok":' +
      JSON.stringify(entry) +
      "}}";
    const parsed = parseShard(text, "files");
    if (typeof parsed === "string") throw new Error(parsed);
    expect([...parsed.entries.keys()]).toEqual(["files/ok"]);
    expect(parsed.rejected[0]?.reason).toContain("lone surrogate");
  });
});
