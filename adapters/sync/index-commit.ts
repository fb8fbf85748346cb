import { SwampError } from "../../core/errors.ts";
import type { Clock } from "../../core/ports/clock.ts";
import { partitionKey } from "../../core/sync/partition-key.ts";
import { sweepDue } from "../../core/sync/shard-collection.ts";
import {
  byPartition,
  type EntryMap,
  type IndexEntry,
  type IndexMeta,
  type PartitionRef,
} from "../../core/sync/sync-index.ts";
import { applyDelta, type IndexDelta, splitDelta } from "../../core/sync/sync-plan.ts";
import type { RemoteIndex, VersionedMeta } from "./remote-index.ts";
import { slidingWindow } from "./sliding-window.ts";
import type { SyncRun } from "./sync-run.ts";

/** Commit attempts before giving up when other writers keep committing first. */
const MAX_COMMIT_ATTEMPTS = 10;

export interface CommitInput {
  /** The meta read when the operation started; null when the store had none. */
  base: VersionedMeta | null;
  /** What this client knows of the remote index (its local index)... */
  entries: ReadonlyMap<string, IndexEntry>;
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

export interface Committed {
  meta: IndexMeta;
  version: string;
  /** The new entries of every partition this commit rewrote. */
  rewritten: Map<string, EntryMap>;
  /** Whether this commit sweeps `_index/` for old shards (docs/architecture.md, "Old shards"). */
  sweep: boolean;
}

/**
 * Commits a delta by one conditional write of the meta: writes new shards for the touched
 * partitions on top of the meta's current shards, then replaces the meta only if nobody
 * committed since it was read. When the meta is absent, every known partition is published.
 */
export async function commitIndex(
  remote: RemoteIndex,
  run: SyncRun,
  context: { clock: Clock; concurrency: { push: number } },
  input: CommitInput,
): Promise<Committed | null> {
  const known = byPartition(input.entries);
  const deltas = splitDelta(input.delta, partitionKey);
  const noChange: IndexDelta = { upserts: new Map(), deletions: new Map() };
  const written = new Map<string, PartitionRef>();
  let current = input.base;
  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    const touched = new Set(deltas.keys());
    if (current === null) for (const pk of known.keys()) touched.add(pk);
    const partitions = new Map(current?.meta.partitions ?? []);
    const rewritten = new Map<string, EntryMap>();
    let done = 0;
    run.progress("commit", 0, touched.size + 1);
    const moved = await slidingWindow(
      [...touched],
      context.concurrency.push,
      async (pk) => {
        const ref = current?.meta.partitions.get(pk);
        const memo = `${pk}\n${ref?.sha256 ?? ""}`;
        const entries = applyDelta(await baseOf(pk, ref), deltas.get(pk) ?? noChange);
        rewritten.set(pk, entries);
        // An emptied partition stays, pointing at an empty shard: a partition that disappears
        // from the meta is always damage (docs/architecture.md, "The index only moves forward").
        let shard = written.get(memo);
        if (shard === undefined) {
          shard = await remote.writeShard(pk, entries, run.signal);
          written.set(memo, shard);
        }
        partitions.set(pk, shard);
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
    const replaced = [...touched].filter((pk) => {
      const before = current?.meta.partitions.get(pk);
      return before !== undefined && !named.has(before.key);
    }).length;
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
      return { meta, version, rewritten, sweep };
    }
    if (!input.retry) return null;
    current = await remote.readMeta(run.signal);
    input.followable?.(current);
  }
  throw new SwampError(
    "sync_failed",
    `other writers kept committing to the index first (${MAX_COMMIT_ATTEMPTS} attempts)`,
  );

  async function baseOf(pk: string, ref: PartitionRef | undefined): Promise<ReadonlyMap<string, IndexEntry>> {
    if (current === null) return known.get(pk) ?? new Map();
    if (ref === undefined) return new Map();
    if (input.known[pk]?.sha256 === ref.sha256) return known.get(pk) ?? new Map();
    const shard = await remote.readShard(pk, ref, run.signal);
    if (shard === null) {
      throw new ShardMissing(
        new SwampError(
          "sync_failed",
          `The index shard ${ref.key} named by the meta is missing from the store. Run 'swamp datastore sync --republish' to rebuild the index from the store and this cache (it never deletes or overwrites anything in the store).`,
        ),
      );
    }
    return shard.entries;
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

class ShardMissing extends Error {
  constructor(readonly reason: SwampError) {
    super(reason.message);
  }
}
