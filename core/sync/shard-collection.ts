import { INDEX_PREFIX, type IndexMeta, META_KEY } from "./sync-index.ts";

/**
 * Which old index shards a push deletes after its commit (docs/architecture.md, "Old shards"):
 * shard names the committed meta does not reference, older than the grace period on the store's
 * own clock, oldest first, a bounded number per push. A concurrent committer's shard, written but
 * not yet named by a meta, is younger than the grace period.
 */
export const SHARD_GRACE_MS = 60 * 60 * 1000;
export const MAX_SHARD_DELETIONS = 100;
/**
 * A commit lists `_index/` only once this many shards were replaced since the last sweep: most
 * commits replace one or two shards, so a sweep costs a listing every several commits, not one per
 * commit, and what is left between sweeps stays small.
 */
export const SWEEP_AFTER = 16;

/**
 * Whether the commit that replaced `replaced` shards on top of `owed` sweeps, and what its meta
 * then owes: nothing after a sweep (what the sweep leaves, too young or over its cap, is found by a
 * later one, which lists everything).
 */
export function sweepDue(owed: number, replaced: number): { sweep: boolean; unswept: number } {
  const unswept = owed + replaced;
  return unswept >= SWEEP_AFTER ? { sweep: true, unswept: 0 } : { sweep: false, unswept };
}

/** A listed object under `_index/`, its key relative to the namespace root. */
export interface ListedObject {
  key: string;
  version: string;
  /** When it was written and when the store answered, both on the store's clock (unknown: never old). */
  modifiedAt?: number | undefined;
  serverNow: number;
}

/** A partition's shard, or a bucket's (below its partition's folder, gzipped). */
const SHARD_NAME = /^[^/]+(\.[0-9a-f]{16}\.json|\/\d+\.\d+\.[0-9a-f]{16}\.json\.gz)$/;

export function collectableShards(
  listed: Iterable<ListedObject>,
  committed: IndexMeta,
  options: { graceMs?: number; limit?: number } = {},
): ListedObject[] {
  const graceMs = options.graceMs ?? SHARD_GRACE_MS;
  const referenced = new Set([...committed.partitions.values()].map((ref) => ref.key));
  return [...listed]
    .filter(
      (object) =>
        object.key !== META_KEY &&
        object.key.startsWith(INDEX_PREFIX) &&
        SHARD_NAME.test(object.key.slice(INDEX_PREFIX.length)) &&
        !referenced.has(object.key) &&
        object.modifiedAt !== undefined &&
        object.serverNow - object.modifiedAt > graceMs,
    )
    .sort((a, b) => (a.modifiedAt ?? 0) - (b.modifiedAt ?? 0) || (a.key < b.key ? -1 : 1))
    .slice(0, options.limit ?? MAX_SHARD_DELETIONS);
}
