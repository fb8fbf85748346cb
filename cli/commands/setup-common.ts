import { join } from "node:path";
import { refreshLatestMarker } from "../../adapters/fs/latest-marker.ts";
import { copyFiles, type TreeCopyResult } from "../../adapters/fs/tree-copy.ts";
import { parseDataPath } from "../../core/data-path.ts";
import type { DataNameKey } from "../../core/data-record.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import { isLatestMarker } from "../../core/sync/version-files.ts";

export const RETRY_HINT = "Re-run the same command to retry. Local data is preserved and the retry is safe.";

/** Never migrated: the repo-local catalog, crash leftovers, and lease objects. */
export function isInternalFile(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf("/") + 1);
  return (
    base.startsWith("_catalog.db") || base.endsWith(".tmp") || base.endsWith(".mutex") || base === ".lock"
  );
}

/** A subdirectory's files a migration copied (relative to that subdirectory). */
export interface MovedFiles {
  sub: string;
  from: string;
  files: string[];
}

/** The data names among the moved files, each once: what the datastores' change logs must hear about. */
export function movedDataNames(moved: readonly MovedFiles[]): DataNameKey[] {
  const names = new Map<string, DataNameKey>();
  for (const { sub, files } of moved) {
    for (const file of files) {
      const ref = parseDataPath(`${sub}/${file}`);
      if (ref) names.set(`${ref.type}/${ref.id}/${ref.name}`, ref);
    }
  }
  return [...names.values()];
}

/**
 * Copies a datastore subdirectory's `files` from `from` to `to` (never overwriting), then rewrites
 * the `latest` marker of every data name copied: markers are derived from the version dirs
 * (docs/architecture.md, "The latest marker"), so one that differs is rewritten, never a conflict.
 */
export async function copyDatastoreDir(
  move: MovedFiles,
  to: string,
  deps: { clock: Clock; host: Host },
): Promise<TreeCopyResult> {
  const copy = await copyFiles(move.from, to, move.files);
  // Data names only live in `data/`, so `to` is the data root whenever there are any.
  for (const ref of movedDataNames([move])) {
    const nameDir = join(to, ref.type, ref.id, ref.name);
    await refreshLatestMarker(nameDir, "exact", { host: deps.host, now: deps.clock.now() });
  }
  return { ...copy, conflicts: copy.conflicts.filter((rel) => !isLatestMarker(`${move.sub}/${rel}`)) };
}
