import { parseUnit } from "./index-buckets.ts";
import type { IndexMeta } from "./sync-index.ts";

/**
 * The remote index only moves forward (docs/architecture.md, "The index only moves forward"):
 * every commit raises `commitSeq` and keeps every partition it ever had (an emptied partition
 * stays, pointing at an empty shard). So, against what a clone saw at its last sync, a meta with
 * a lower `commitSeq`, or without a partition the clone knew, or no meta at all after the clone
 * synced with one, is a damaged or replaced index, never a change to follow.
 */
export interface KnownIndex {
  /** The commitSeq the clone last synced to; <= 0 when it never synced with a meta. */
  commitSeq: number;
  partitions: readonly string[];
}

/** Why `remote` cannot follow `known`, or null when it can. */
export function indexRegression(known: KnownIndex, remote: IndexMeta | null): string | null {
  if (known.commitSeq <= 0) return null;
  if (remote === null) return `it has vanished (this clone last synced at commit ${known.commitSeq})`;
  if (remote.commitSeq < known.commitSeq) {
    return `its commit sequence went back from ${known.commitSeq} to ${remote.commitSeq}`;
  }
  // Partitions, not shards: a split partition's buckets change when its bucket count does.
  const remotePartitions = new Set([...remote.partitions.keys()].map((unit) => parseUnit(unit).pk));
  const lost = [...new Set(known.partitions.map((unit) => parseUnit(unit).pk))].filter(
    (pk) => !remotePartitions.has(pk),
  );
  if (lost.length > 0) {
    const shown = lost.slice(0, 3).join(", ");
    const more = lost.length > 3 ? ` and ${lost.length - 3} more` : "";
    return `it lost ${lost.length} partition(s) this clone knew (${shown}${more})`;
  }
  return null;
}
