import { describe, expect, test } from "bun:test";
import { parse as parseWithYamlPackage } from "yaml";
import { formatMetadata, parseMetadataText } from "../../../adapters/fs/metadata-file.ts";

/** A small deterministic PRNG (mulberry32), so a failure names a reproducible seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings YAML likes to read as something else, and characters strict YAML parsers refuse. */
const TRICKY = [
  "",
  " ",
  "  lead",
  "trail ",
  "0",
  "007",
  "42",
  "-17",
  "1.5",
  "1e5",
  "0x1F",
  "0o17",
  "1_000",
  "1:20",
  ".inf",
  ".NaN",
  "true",
  "True",
  "false",
  "yes",
  "No",
  "null",
  "~",
  "2026-01-01",
  "2026-11-22T02:13:06.700Z",
  "a: b",
  "a:",
  "a #b",
  "#x",
  "- x",
  "---",
  "...",
  "? x",
  "[a]",
  "{a: 1}",
  "*alias",
  "&anchor",
  "!tag",
  "|",
  ">-",
  "%x",
  "@x",
  "`x",
  "<<",
  "'single'",
  'say "hi"',
  "back\\slash",
  "multi\nline",
  "tab\there",
  "cr\r",
  "bell\u0007",
  "del\u007f",
  "c1\u0080\u0085\u009f",
  "ls\u2028ps\u2029",
  "\ufeffbom",
  "non\ufffe\uffff",
  "ünïcødé",
  "emoji 🎉",
  "日本語",
  "k".repeat(1100),
];
const WORDS = ["vpc", "main", "env", "prod", "type", "specName", "modelName", "9"];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function randomString(rand: () => number): string {
  if (rand() < 0.5) return pick(rand, TRICKY);
  const parts = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
    rand() < 0.5 ? pick(rand, TRICKY) : pick(rand, WORDS),
  );
  return parts.join(pick(rand, ["", " ", ":", "#", " #", ": ", "\n"]));
}

function randomTags(rand: () => number): Record<string, string> {
  const tags: Record<string, string> = { type: pick(rand, ["resource", randomString(rand)]) };
  for (let i = Math.floor(rand() * 5); i > 0; i--) tags[randomString(rand)] = randomString(rand);
  return tags;
}

/** Metadata as FsDataRepository writes it, with generated names, tags and provenance. */
function randomMetadata(rand: () => number): Record<string, unknown> {
  const meta: Record<string, unknown> = {
    id: "3cb6a93-d49a-4fdd-a0cb-f9a08e40a33e",
    name: randomString(rand),
    version: 1 + Math.floor(rand() * 1000),
    contentType: pick(rand, ["application/json", randomString(rand)]),
    lifetime: pick(rand, ["infinite", "7d", "1mo"]),
    garbageCollection: rand() < 0.5 ? 10 : pick(rand, ["7d", "30d"]),
    streaming: rand() < 0.2,
    tags: randomTags(rand),
    ownerDefinition: {
      ownerType: "manual",
      ownerRef: `cli:${randomString(rand)}`,
      stepName: randomString(rand),
    },
    createdAt: "2026-11-22T02:13:06.700Z",
    size: Math.floor(rand() * Number.MAX_SAFE_INTEGER),
    checksum: "7d65a2b5f9285a95038d1efbdb8b997e530fa1241150f5191114f9c810036aa7",
  };
  if (rand() < 0.2) meta.lifecycle = "deleted";
  if (rand() < 0.2) meta.renamedTo = randomString(rand);
  return meta;
}

describe("metadata.yaml is JSON that YAML tools read the same", () => {
  test("generated metadata with odd names, tags and characters round-trips through JSON and two YAML parsers", () => {
    const rand = prng(20260203);
    for (let i = 0; i < 1500; i++) {
      const meta = randomMetadata(rand);
      const text = formatMetadata(meta);
      const read = {
        json: JSON.parse(text),
        bunYaml: Bun.YAML.parse(text),
        yamlPackage: parseWithYamlPackage(text),
        parseMetadataText: parseMetadataText(text),
      };
      expect({ i, text, read }).toEqual({
        i,
        text,
        read: { json: meta, bunYaml: meta, yamlPackage: meta, parseMetadataText: meta },
      });
    }
  });

  test("characters strict YAML parsers refuse or fold are escaped; the rest stays readable", () => {
    const text = formatMetadata({ name: "del\u007f c1\u0085 ls\u2028 ünï 🎉 tab\t", version: 1 });
    expect(text).toBe('{\n  "name": "del\\u007f c1\\u0085 ls\\u2028 ünï 🎉 tab\\t",\n  "version": 1\n}\n');
  });

  test("block YAML, as the reference implementation and older builds wrote it, is still read", () => {
    const rand = prng(7);
    for (let i = 0; i < 300; i++) {
      const meta = randomMetadata(rand);
      const text = Bun.YAML.stringify(meta, null, 2);
      expect({ i, text, read: parseMetadataText(text) }).toEqual({ i, text, read: Bun.YAML.parse(text) });
    }
    expect(parseMetadataText("{name: main, version: 2}")).toEqual({ name: "main", version: 2 });
    expect(parseMetadataText('  {\n  "name": "x" }')).toEqual({ name: "x" });
  });
});
