import { bucketOf, parseUnit, unitKey } from "./index-buckets.ts";
import { partitionKey } from "./partition-key.ts";
import { checkScopedRel, leftOutQuietly, type SyncScope } from "./sync-keys.ts";

/**
 * The remote index, shard-first (docs/architecture.md, "Bucket layout"): `_index/_meta.json` names
 * one immutable shard per partition, named by the hash of its bytes; a push commits by one
 * conditional write of the meta. Keys here are relative to the namespace root in the bucket.
 */
export interface IndexEntry {
  size: number;
  sha256: string;
  /** When the uploader wrote it (ms since epoch, the uploader's clock). */
  modifiedAt: number;
}

export type EntryMap = Map<string, IndexEntry>;

export interface PartitionRef {
  /** The shard object, e.g. `_index/data--aws--3f…--1.0123456789abcdef.json`. */
  key: string;
  /** A bucket's shard (docs/architecture.md, "Split partitions"): its first 16 hex digits only. */
  sha256: string;
  entries: number;
}

export interface IndexMeta {
  /** 3 when a partition is split: set by serializeMeta from the partitions, read by parseMeta. */
  version: 2 | 3;
  commitSeq: number;
  /** By unit (core/sync/index-buckets.ts): a partition's key, or one bucket of a split partition. */
  partitions: Map<string, PartitionRef>;
  committedAt: string;
  /**
   * Shards replaced (or written and never named) since the last sweep of `_index/`: a commit sweeps
   * only once there are enough to sweep (docs/architecture.md, "Old shards"). Absent: none known.
   */
  unswept?: number;
}

export interface Rejected {
  key: string;
  reason: string;
}

export const INDEX_PREFIX = "_index/";
/** Why a meta of a later format is refused: never discarded, never committed over. */
export const NEWER_INDEX = "written by a newer swamp";
export const META_KEY = `${INDEX_PREFIX}_meta.json`;

const SHA256 = /^[0-9a-f]{64}$/;
const REPLACEMENT = "\uFFFD";
const NOT_UTF8 = "not valid UTF-8 (the index holds bytes in this name that no file name can spell)";

export function shardKey(partition: string, sha256: string): string {
  return `${INDEX_PREFIX}${partition}.${sha256.slice(0, 16)}.json`;
}

/** A bucket's shard: gzipped, below a folder of its partition, so older builds' sweeps never match it. */
export function bucketShardKey(unit: string, sha16: string): string {
  const { pk, buckets, bucket } = parseUnit(unit);
  return `${INDEX_PREFIX}${pk}/${buckets}.${bucket}.${sha16}.json.gz`;
}

/**
 * The meta's text. With no split partition it is version 2, byte for byte what older builds
 * write and read; a split partition makes it version 3 and is written compactly as
 * `{entries, buckets: "{sha16}:{entries} …"}` in bucket order (docs/architecture.md, "Split partitions").
 */
export function serializeMeta(meta: IndexMeta): string {
  const plain: [string, PartitionRef][] = [];
  const split = new Map<string, { entries: number; buckets: string[] }>();
  for (const [unit, ref] of meta.partitions) {
    const { pk, buckets, bucket } = parseUnit(unit);
    if (buckets === 1) {
      plain.push([pk, ref]);
      continue;
    }
    let group = split.get(pk);
    if (!group) {
      group = { entries: 0, buckets: new Array<string>(buckets).fill("") };
      split.set(pk, group);
    }
    group.entries += ref.entries;
    group.buckets[bucket] = `${ref.sha256}:${ref.entries}`;
  }
  const partitions = Object.fromEntries(
    [
      ...plain.map(([pk, ref]): [string, unknown] => [pk, { ...ref }]),
      ...[...split].map(([pk, group]): [string, unknown] => [
        pk,
        { entries: group.entries, buckets: group.buckets.join(" ") },
      ]),
    ].sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return JSON.stringify({
    version: split.size > 0 ? 3 : 2,
    commitSeq: meta.commitSeq,
    partitions,
    committedAt: meta.committedAt,
    ...(meta.unswept ? { unswept: meta.unswept } : {}),
  });
}

/** The meta, or why it cannot be trusted. */
export function parseMeta(text: string): IndexMeta | string {
  const doc = parseObject(text);
  if (doc === null) return "not a JSON object";
  if (doc.version !== 2 && doc.version !== 3)
    return typeof doc.version === "number" && doc.version > 3
      ? `${NEWER_INDEX} (index version ${doc.version})`
      : `unsupported index version ${JSON.stringify(doc.version)}`;
  if (!Number.isSafeInteger(doc.commitSeq) || (doc.commitSeq as number) < 0) return "bad commitSeq";
  const raw = doc.partitions;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "bad partitions";
  const partitions = new Map<string, PartitionRef>();
  for (const [pk, value] of Object.entries(raw)) {
    const ok =
      doc.version === 3 && typeof (value as { buckets?: unknown })?.buckets === "string"
        ? parseBuckets(pk, value as { buckets: string }, partitions)
        : parsePlain(pk, value, partitions);
    if (!ok || pk.includes("/")) return `bad partition ${JSON.stringify(pk)}`;
  }
  return {
    version: doc.version,
    commitSeq: doc.commitSeq as number,
    partitions,
    committedAt: typeof doc.committedAt === "string" ? doc.committedAt : "",
    ...(Number.isSafeInteger(doc.unswept) && (doc.unswept as number) > 0
      ? { unswept: doc.unswept as number }
      : {}),
  };
}

function parsePlain(pk: string, value: unknown, into: Map<string, PartitionRef>): boolean {
  const ref = value as Partial<PartitionRef> | null;
  if (
    typeof ref?.key !== "string" ||
    !ref.key.startsWith(INDEX_PREFIX) ||
    checkShardName(ref.key.slice(INDEX_PREFIX.length)) !== null ||
    typeof ref.sha256 !== "string" ||
    !SHA256.test(ref.sha256) ||
    !Number.isSafeInteger(ref.entries)
  ) {
    return false;
  }
  into.set(pk, { key: ref.key, sha256: ref.sha256, entries: ref.entries as number });
  return true;
}

const BUCKET = /^([0-9a-f]{16}):(\d{1,15})$/;

function parseBuckets(pk: string, value: { buckets: string }, into: Map<string, PartitionRef>): boolean {
  const buckets = value.buckets.split(" ");
  const n = buckets.length;
  if (n < 2 || (n & (n - 1)) !== 0) return false;
  for (const [i, text] of buckets.entries()) {
    const match = BUCKET.exec(text);
    if (match === null) return false;
    const unit = unitKey(pk, n, i);
    const sha16 = match[1] as string;
    into.set(unit, { key: bucketShardKey(unit, sha16), sha256: sha16, entries: Number(match[2]) });
  }
  return true;
}

/**
 * The bytes of a shard: entries sorted by path, fixed field order. `writeId` is unique to the write,
 * so no two writes share a shard name, and a shard no committed meta references is never
 * referenced again (docs/architecture.md, "Old shards").
 */
export function serializeShard(entries: Iterable<[string, IndexEntry]>, writeId: string): string {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify({
    version: 1,
    writeId,
    entries: Object.fromEntries(
      sorted.map(([rel, e]) => [rel, { size: e.size, sha256: e.sha256, modifiedAt: e.modifiedAt }]),
    ),
  });
}

/**
 * A shard's entries. Unsafe paths, malformed entries and entries filed under another partition
 * are left out and reported; a shard that is not a shard at all is a string (the reason).
 * `notUtf8`: the shard's bytes were not all UTF-8, and were decoded with U+FFFD in their place,
 * so a name holding U+FFFD is not the name its writer meant. Entries outside `scope` (a solo
 * index naming a namespace's folder) are left out quietly.
 */
export function parseShard(
  text: string,
  partition: string,
  options: { notUtf8?: boolean; scope?: SyncScope } = {},
): { entries: EntryMap; rejected: Rejected[] } | string {
  const doc = parseObject(text);
  if (doc === null) return "not a JSON object";
  if (doc.version !== 1) return `unsupported shard version ${JSON.stringify(doc.version)}`;
  const raw = doc.entries;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "bad entries";
  const entries: EntryMap = new Map();
  const rejected: Rejected[] = [];
  for (const [rel, value] of Object.entries(raw)) {
    const reason =
      (options.notUtf8 && rel.includes(REPLACEMENT) ? NOT_UTF8 : null) ??
      checkScopedRel(rel, options.scope ?? "namespace") ??
      checkEntry(value) ??
      checkPartition(rel, partition);
    // Internal files (e.g. `latest` markers published by older builds) are left out quietly.
    if (leftOutQuietly(reason)) continue;
    if (reason !== null) rejected.push({ key: rel, reason });
    else {
      const e = value as IndexEntry;
      entries.set(rel, { size: e.size, sha256: e.sha256, modifiedAt: e.modifiedAt });
    }
  }
  return { entries, rejected };
}

function checkEntry(value: unknown): string | null {
  const e = value as Partial<IndexEntry> | null;
  if (typeof e !== "object" || e === null) return "malformed index entry";
  if (!Number.isSafeInteger(e.size) || (e.size as number) < 0) return "malformed index entry (size)";
  if (typeof e.sha256 !== "string" || !SHA256.test(e.sha256)) return "malformed index entry (sha256)";
  if (typeof e.modifiedAt !== "number" || !Number.isFinite(e.modifiedAt))
    return "malformed index entry (modifiedAt)";
  return null;
}

function checkPartition(rel: string, unit: string): string | null {
  const { buckets } = parseUnit(unit);
  const expected = unitKey(partitionKey(rel), buckets, bucketOf(rel, buckets));
  return expected === unit ? null : `filed under index partition ${unit}, belongs to ${expected}`;
}

function checkShardName(name: string): string | null {
  return name.endsWith(".json") && !/[/\\\0]/.test(name) ? null : "bad shard key";
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const doc: unknown = JSON.parse(text);
    return typeof doc === "object" && doc !== null && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
