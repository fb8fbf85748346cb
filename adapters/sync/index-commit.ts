import { SwampError } from "../../core/errors.ts";
import type { Clock } from "../../core/ports/clock.ts";
import { slidingWindow } from "../../core/sliding-window.ts";
import {
  bucketCount,
  bucketOf,
  layoutOf,
  splitEntries,
  UnitEntries,
  unitKey,
} from "../../core/sync/index-buckets.ts";
import { partitionKey } from "../../core/sync/partition-key.ts";
import { sweepDue } from "../../core/sync/shard-collection.ts";
import type { EntryMap, IndexEntry, IndexMeta, PartitionRef } from "../../core/sync/sync-index.ts";
import { applyDelta, type IndexDelta, splitDelta } from "../../core/sync/sync-plan.ts";
import { INDEX_SPLIT_ENTRIES } from "../../core/tunables.ts";
import type { RemoteIndex, VersionedMeta } from "./remote-index.ts";
import type { SyncRun } from "./sync-run.ts";

/** Commit attempts before giving up when other writers keep committing first. */
const MAX_COMMIT_ATTEMPTS = 10;

export interface CommitInput {
  /** The meta read when the operation started; null when the store had none. */
  base: VersionedMeta | null;
  /** What this client knows of the remote index (its local index, or that index by unit)... */
  entries: ReadonlyMap<string, IndexEntry> | KnownUnits;
  /** ...and which partition shards that knowledge reflects. */
  known: Readonly<Record<string, { sha256: string }>>;
  delta: IndexDelta;
  beforeCommit?: ((signal: AbortSignal) => Promise<void>) | undefined;
  /** On a lost race, re-read the meta and re-apply the delta (push); or give up (discovery). */
  retry: boolean;
  /**
   * The highest commitSeq this clone has seen: a commit never goes below it, so an index
   * republished over a lost one still moves forward for every clone that saw no more.
   */
  seenSeq: number;
  /** Throws when a meta read again (another writer committed first) must not be committed over. */
  followable?: ((meta: VersionedMeta | null) => void) | undefined;
}

/** A local index read by unit (a partition, or a bucket of any count). */
export interface KnownUnits {
  get(unit: string): ReadonlyMap<string, IndexEntry>;
  partitions(): Iterable<string>;
}

export interface Committed {
  meta: IndexMeta;
  version: string;
  /** The new entries of every shard (unit) this commit rewrote. */
  rewritten: Map<string, EntryMap>;
  /**
   * The rewritten units built only from what this client knew plus its delta (no other writer's
   * shard read): their entries are the client's own, with no need to compare them.
   */
  own: Set<string>;
  /** Whether this commit sweeps `_index/` for old shards (docs/architecture.md, "Old shards"). */
  sweep: boolean;
}

export interface CommitContext {
  clock: Clock;
  concurrency: { push: number };
  /** Above this many entries a partition is split (docs/architecture.md, "Split partitions"). */
  indexSplitEntries?: number | undefined;
}

/**
 * Commits a delta by one conditional write of the meta: writes new shards for the touched
 * partitions (only the touched buckets of a split one) on top of the meta's current shards, then
 * replaces the meta only if nobody committed since it was read. When the meta is absent, every
 * known partition is published.
 */
export async function commitIndex(
  remote: RemoteIndex,
  run: SyncRun,
  context: CommitContext,
  input: CommitInput,
): Promise<Committed | null> {
  const splitAt = context.indexSplitEntries ?? INDEX_SPLIT_ENTRIES;
  const known = "partitions" in input.entries ? input.entries : new UnitEntries(input.entries);
  const deltas = splitDelta(input.delta, partitionKey);
  const noChange: IndexDelta = { upserts: new Map(), deletions: new Map() };
  /** Shards written in earlier attempts, by unit and the shards they were built from. */
  const written = new Map<string, PartitionRef>();
  let current = input.base;
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    const touched = new Set(deltas.keys());
    if (current === null) for (const pk of known.partitions()) touched.add(pk);
    const before = current?.meta.partitions ?? new Map<string, PartitionRef>();
    const layout = layoutOf(before.keys());
    const partitions = new Map(before);
    const rewritten = new Map<string, EntryMap>();
    const own = new Set<string>();
    let done = 0;
    run.progress("commit", 0, touched.size + 1);
    const moved = await slidingWindow(
      [...touched],
      context.concurrency.push,
      async (pk) => {
        const buckets = layout.get(pk) ?? 1;
        const byUnit = splitDelta(deltas.get(pk) ?? noChange, (rel) =>
          unitKey(pk, buckets, bucketOf(rel, buckets)),
        );
        const units = buckets === 1 ? [pk] : [...byUnit.keys()];
        const next = new Map<string, EntryMap>();
        const read = new Set<string>();
        const base = async (unit: string) => {
          const found = await baseOf(unit);
          if (!found.own) read.add(unit);
          return found.entries;
        };
        await eachUnit(units, async (unit) => {
          next.set(unit, applyDelta(await base(unit), byUnit.get(unit) ?? noChange));
        });
        const total =
          sizeOf(pk, buckets, before) -
          sum(units.map((unit) => before.get(unit)?.entries ?? 0)) +
          sum([...next.values()].map((entries) => entries.size));
        const count = bucketCount(buckets, total, splitAt);
        const sources = new Map(units.map((unit) => [unit, before.get(unit)?.sha256 ?? ""]));
        if (count !== buckets) {
          // The bucket count changed: every bucket of the partition is rewritten, once.
          const all = Array.from({ length: buckets }, (_, bucket) => unitKey(pk, buckets, bucket));
          const untouched = all.filter((unit) => !next.has(unit));
          await eachUnit(untouched, async (unit) => {
            next.set(unit, new Map(await base(unit)));
          });
          const entries = new Map<string, IndexEntry>();
          for (const unit of all) {
            sources.set(unit, before.get(unit)?.sha256 ?? "");
            for (const [rel, e] of next.get(unit) ?? []) entries.set(rel, e);
            partitions.delete(unit);
          }
          next.clear();
          for (const [bucket, ofBucket] of splitEntries(entries, count).entries())
            next.set(unitKey(pk, count, bucket), ofBucket);
          // Each new bucket may hold entries of any old one.
          if (read.size > 0) for (const unit of next.keys()) read.add(unit);
        }
        const memo = [...sources].map(([unit, sha]) => `${unit}=${sha}`).join("\n");
        await eachUnit([...next.keys()], async (unit) => {
          const entries = next.get(unit) as EntryMap;
          rewritten.set(unit, entries);
          if (!read.has(unit)) own.add(unit);
          // An emptied partition stays, pointing at an empty shard: a partition that disappears
          // from the meta is always damage (docs/architecture.md, "The index only moves forward").
          const key = `${unit}\n${memo}`;
          let shard = written.get(key);
          if (shard === undefined) {
            shard = await remote.writeShard(unit, entries, run.signal);
            written.set(key, shard);
          }
          partitions.set(unit, shard);
        });
        run.progress("commit", ++done, touched.size + 1);
      },
      run.signal,
    ).then(
      () => false,
      (error: unknown) => shardCollectedMeanwhile(error),
    );
    if (moved) continue;
    // The shards it replaces, and those it wrote in attempts that lost the race, become old.
    const named = new Set([...partitions.values()].map((ref) => ref.key));
    const replaced = [...before.values()].filter((ref) => !named.has(ref.key)).length;
    const orphaned = [...written.values()].filter((ref) => !named.has(ref.key)).length;
    const { sweep, unswept } = sweepDue(current?.meta.unswept ?? 0, replaced + orphaned);
    const meta: IndexMeta = {
      version: 2,
      commitSeq: Math.max(current?.meta.commitSeq ?? 0, input.seenSeq) + 1,
      partitions,
      committedAt: new Date(context.clock.now()).toISOString(),
      ...(unswept > 0 ? { unswept } : {}),
    };
    run.signal.throwIfAborted();
    await input.beforeCommit?.(run.signal);
    const version = await remote.commit(meta, current?.version ?? null, run.signal);
    if (version !== null) {
      run.progress("commit", touched.size + 1, touched.size + 1);
      return { meta: { ...meta, version: metaVersionOf(partitions) }, version, rewritten, own, sweep };
    }
    if (!input.retry) return null;
    current = await remote.readMeta(run.signal);
    input.followable?.(current);
  }
  throw new SwampError(
    "sync_failed",
    `other writers kept committing to the index first (${MAX_COMMIT_ATTEMPTS} attempts)`,
  );

  /** Reads or writes the shards of one partition, a window at a time (a bucket count change touches all). */
  function eachUnit(units: readonly string[], work: (unit: string) => Promise<void>): Promise<void> {
    return slidingWindow(units, context.concurrency.push, work, run.signal);
  }

  /** The entries of a shard of the current meta: this clone's own when it knows that shard. */
  async function baseOf(unit: string): Promise<{ entries: ReadonlyMap<string, IndexEntry>; own: boolean }> {
    if (current === null) return { entries: known.get(unit), own: true };
    const ref = current.meta.partitions.get(unit);
    if (ref === undefined) return { entries: new Map(), own: false };
    if (input.known[unit]?.sha256 === ref.sha256) return { entries: known.get(unit), own: true };
    const shard = await remote.readShard(unit, ref, run.signal);
    if (shard === null) {
      throw new ShardMissing(
        new SwampError(
          "sync_failed",
          `The index shard ${ref.key} named by the meta is missing from the store. Run 'swamp datastore sync --republish' to rebuild the index from the store and this cache (it never deletes or overwrites anything in the store).`,
        ),
      );
    }
    return { entries: shard.entries, own: false };
  }

  /**
   * A shard of the meta read at the start can be gone because another writer committed since and
   * collected it (docs/architecture.md, "Old shards"): then this attempt starts over on the new
   * meta. Any other failure stands.
   */
  async function shardCollectedMeanwhile(error: unknown): Promise<boolean> {
    if (!(error instanceof ShardMissing)) throw error;
    const now = await remote.readMeta(run.signal);
    if (now === null || now.version === current?.version) throw error.reason;
    input.followable?.(now);
    current = now;
    return true;
  }
}

/** The entries of a partition in the meta, over all its buckets. */
function sizeOf(pk: string, buckets: number, partitions: ReadonlyMap<string, PartitionRef>): number {
  let total = 0;
  for (let bucket = 0; bucket < buckets; bucket++)
    total += partitions.get(unitKey(pk, buckets, bucket))?.entries ?? 0;
  return total;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function metaVersionOf(partitions: ReadonlyMap<string, PartitionRef>): 2 | 3 {
  return layoutOf(partitions.keys()).size > 0 ? 3 : 2;
}

class ShardMissing extends Error {
  constructor(readonly reason: SwampError) {
    super(reason.message);
  }
}
