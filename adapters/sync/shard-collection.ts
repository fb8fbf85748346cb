import { slidingWindow } from "../../core/sliding-window.ts";
import { collectableShards, type ListedObject } from "../../core/sync/shard-collection.ts";
import { INDEX_PREFIX, type IndexMeta } from "../../core/sync/sync-index.ts";
import type { SyncRun } from "./sync-run.ts";

/** Objects of `_index/` read per push at most: a bucket with a backlog is trimmed over several pushes. */
const MAX_LISTED = 10_000;

/**
 * After a commit, deletes the old shards `committed` no longer references (docs/architecture.md,
 * "Old shards"): one listing of `_index/`, then deletes conditional on exactly the version listed.
 * Best effort: a shard left behind goes at a later push. Returns how many were deleted.
 */
export async function collectOldShards(
  run: SyncRun,
  prefix: string,
  committed: IndexMeta,
  concurrency: number,
): Promise<number> {
  const listed: ListedObject[] = [];
  try {
    for await (const info of run.store.list(`${prefix}${INDEX_PREFIX}`, undefined, run.signal)) {
      listed.push({ ...info, key: info.key.slice(prefix.length) });
      if (listed.length >= MAX_LISTED) break;
    }
  } catch (error) {
    if (run.signal.aborted) throw error;
    return 0;
  }
  let deleted = 0;
  await slidingWindow(
    collectableShards(listed, committed),
    concurrency,
    async (shard) => {
      const result = await run.store
        .delete(`${prefix}${shard.key}`, { version: shard.version }, run.signal)
        .catch((error: unknown) => {
          if (run.signal.aborted) throw error;
          return null;
        });
      if (result?.ok) deleted++;
    },
    run.signal,
  );
  return deleted;
}
