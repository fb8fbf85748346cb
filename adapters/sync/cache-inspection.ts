import { join } from "node:path";
import type { CacheInspection } from "../../core/ports/sync-service.ts";
import { slidingWindow } from "../../core/sliding-window.ts";
import type { EngineParts } from "./engine-parts.ts";
import { hashFile } from "./hash-file.ts";
import { walkCache } from "./local-walk.ts";

/** Local files hashed at once (disk, not network). */
const HASH_CONCURRENCY = 16;

/**
 * The whole cache, every file hashed (no mtime shortcut: doctor trusts nothing), beside the
 * record of the last sync. Reads only.
 */
export async function inspectCache(parts: EngineParts, signal?: AbortSignal): Promise<CacheInspection> {
  const { state, index } = await parts.state.snapshot();
  const pending = parts.marks.pending(state);
  const root = await parts.files.root();
  const walk = await walkCache(root, null, (rel) => parts.files.check(rel));
  const files = new Map<string, string>();
  await slidingWindow(
    [...walk.files.keys()],
    HASH_CONCURRENCY,
    async (rel) => {
      // A file removed meanwhile is simply not there.
      const sha256 = await hashFile(join(root, rel)).catch(() => null);
      if (sha256 !== null) files.set(rel, sha256);
    },
    signal,
  );
  return {
    // Content a lazy pull left in the store is not in the cache by design: nothing to compare.
    synced:
      index &&
      new Map(
        [...index]
          .filter(([rel, entry]) => !entry.remoteOnly || files.has(rel))
          .map(([rel, entry]) => [rel, entry.sha256]),
      ),
    known: { commitSeq: state.commitSeq, partitions: Object.keys(state.partitions) },
    pending: { paths: [...pending.paths].sort(), bulk: pending.bulk },
    files,
    shielded: walk.shielded,
  };
}
