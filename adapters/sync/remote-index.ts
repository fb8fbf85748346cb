import { gunzipSync, gzipSync } from "node:zlib";
import { SwampError } from "../../core/errors.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { parseUnit } from "../../core/sync/index-buckets.ts";
import {
  bucketShardKey,
  type EntryMap,
  type IndexMeta,
  META_KEY,
  NEWER_INDEX,
  type PartitionRef,
  parseMeta,
  parseShard,
  type Rejected,
  serializeMeta,
  serializeShard,
  shardKey,
} from "../../core/sync/sync-index.ts";
import { scopeOf } from "../../core/sync/sync-keys.ts";
import { sha256Hex } from "./hash-file.ts";

export interface VersionedMeta {
  meta: IndexMeta;
  /** The store's version of the meta object, for the conditional commit. */
  version: string;
}

/**
 * Reads and writes the shard-first index of one namespace in the store (docs/architecture.md,
 * "Bucket layout").
 */
export class RemoteIndex {
  /** `newId`: a unique id for each shard written (Host.uuid). */
  constructor(
    private readonly store: ObjectStore,
    private readonly prefix: string,
    private readonly newId: () => string,
  ) {}

  /**
   * The meta, or null when the namespace has no index yet. An unreadable meta throws, unless
   * `discardUnreadable` (a republish): then it is deleted, exactly that version, and read as none;
   * never a meta of a later format (an older build must not replace a newer build's index).
   */
  async readMeta(
    signal?: AbortSignal,
    options: { discardUnreadable?: boolean } = {},
  ): Promise<VersionedMeta | null> {
    const meta = await this.inspectMeta(signal);
    if (meta === null || "meta" in meta) return meta;
    if (meta.unreadable.startsWith(NEWER_INDEX)) {
      throw new SwampError(
        "sync_failed",
        `The index ${this.prefix}${META_KEY} on ${this.store.description} was ${meta.unreadable}: this build cannot read it, and a republish would not replace it. Nothing was changed. Upgrade swamp on this machine, then run the command again.`,
      );
    }
    if (options.discardUnreadable) {
      const gone = await this.store.delete(this.prefix + META_KEY, { version: meta.version }, signal);
      if (gone.ok) return null;
    }
    throw new SwampError(
      "sync_failed",
      `The index ${this.prefix}${META_KEY} on ${this.store.description} is unreadable (${meta.unreadable}). Nothing was changed. Run 'swamp datastore sync --republish' to rebuild it from the store and this cache (it never deletes or overwrites anything in the store).`,
    );
  }

  /** The meta, null when there is none, or why it is unreadable (with the version of the object read). */
  async inspectMeta(
    signal?: AbortSignal,
  ): Promise<VersionedMeta | { unreadable: string; version: string } | null> {
    const object = await this.store.get(this.prefix + META_KEY, signal);
    if (object === null) return null;
    const meta = parseMeta(new TextDecoder().decode(object.body));
    return typeof meta === "string"
      ? { unreadable: meta, version: object.version }
      : { meta, version: object.version };
  }

  /** A shard's entries, checked against the checksum in the meta; unsafe entries are reported, not kept. */
  async readShard(
    partition: string,
    ref: PartitionRef,
    signal?: AbortSignal,
  ): Promise<{ entries: EntryMap; rejected: Rejected[] } | null> {
    const shard = await this.inspectShard(partition, ref, signal);
    if (shard === null || "entries" in shard) return shard;
    throw new SwampError(
      "sync_failed",
      `The index shard ${this.prefix}${ref.key} on ${this.store.description} is unreadable (${shard.unreadable}). Nothing was changed. Run 'swamp datastore sync --republish' to rebuild the index from the store and this cache (it never deletes or overwrites anything in the store).`,
    );
  }

  /** A shard's entries, null when it is missing, or why it is unreadable. */
  async inspectShard(
    partition: string,
    ref: PartitionRef,
    signal?: AbortSignal,
  ): Promise<{ entries: EntryMap; rejected: Rejected[] } | { unreadable: string } | null> {
    const object = await this.store.get(this.prefix + ref.key, signal);
    if (object === null) return null;
    // A bucket's shard is named in the meta by the first 16 hex digits of its hash only.
    const sha256 = sha256Hex(object.body);
    if (ref.sha256.length < 16 || !sha256.startsWith(ref.sha256))
      return { unreadable: "its checksum does not match the meta" };
    const bytes = isBucket(partition) ? gunzipped(object.body) : object.body;
    if (bytes === null) return { unreadable: "not gzipped" };
    const { text, notUtf8 } = decodeUtf8(bytes);
    const shard = parseShard(text, partition, { notUtf8, scope: scopeOf(this.prefix) });
    return typeof shard === "string" ? { unreadable: shard } : shard;
  }

  /**
   * Writes a shard: immutable, named by its bytes' hash and unique to this write, so create-only
   * (an existing one is this write's own, landed by a retried request).
   */
  async writeShard(partition: string, entries: EntryMap, signal?: AbortSignal): Promise<PartitionRef> {
    const text = new TextEncoder().encode(serializeShard(entries, this.newId()));
    // Only builds that read split partitions read buckets, so theirs may be gzipped.
    const body = isBucket(partition) ? gzipSync(text) : text;
    const sha256 = sha256Hex(body);
    const ref = isBucket(partition)
      ? {
          key: bucketShardKey(partition, sha256.slice(0, 16)),
          sha256: sha256.slice(0, 16),
          entries: entries.size,
        }
      : { key: shardKey(partition, sha256), sha256, entries: entries.size };
    const result = await this.store.put(this.prefix + ref.key, body, { absent: true }, signal);
    if (!result.ok && result.reason !== "exists") {
      throw new SwampError(
        "sync_failed",
        `Writing the index shard ${this.prefix}${ref.key} failed (${result.reason}).`,
      );
    }
    return ref;
  }

  /** The commit: replaces the meta only if it is still `expected` (null: only if there is none). */
  async commit(meta: IndexMeta, expected: string | null, signal?: AbortSignal): Promise<string | null> {
    const body = new TextEncoder().encode(serializeMeta(meta));
    const result = await this.store.put(
      this.prefix + META_KEY,
      body,
      expected === null ? { absent: true } : { version: expected },
      signal,
    );
    return result.ok ? result.version : null;
  }
}

function isBucket(unit: string): boolean {
  return parseUnit(unit).buckets > 1;
}

function gunzipped(bytes: Uint8Array): Uint8Array | null {
  try {
    return gunzipSync(bytes);
  } catch {
    return null;
  }
}

/** The text of `bytes`; bytes that are not UTF-8 become U+FFFD, and `notUtf8` says there were some. */
function decodeUtf8(bytes: Uint8Array): { text: string; notUtf8: boolean } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), notUtf8: false };
  } catch {
    return { text: new TextDecoder().decode(bytes), notUtf8: true };
  }
}
