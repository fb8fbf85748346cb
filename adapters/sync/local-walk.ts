import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { isTempName } from "../../core/temp-files.ts";
import type { FileStat } from "./cache-files.ts";

export interface WalkResult {
  /** Every syncable regular file found, by cache-relative path. */
  files: Map<string, FileStat>;
  /** Paths not walked because they are symlinks: their absence proves nothing. */
  shielded: string[];
  /** Temp files and dirs met on the way (never synced): the caller removes the stale ones. */
  temps: string[];
}

/**
 * Finds the syncable files under each of `scopes` (cache-relative paths; a scope may be a file, a
 * directory or missing), or under the whole cache when `scopes` is null. Paths that `check` refuses
 * (internal and temp files; docs/architecture.md, "Which files sync") are skipped; symlinks are not
 * followed.
 */
export async function walkCache(
  root: string,
  scopes: readonly string[] | null,
  check: (rel: string) => string | null,
): Promise<WalkResult> {
  const result: WalkResult = { files: new Map(), shielded: [], temps: [] };
  const visit = async (rel: string): Promise<void> => {
    if (rel !== "" && check(rel) !== null) {
      if (isTempName(rel.slice(rel.lastIndexOf("/") + 1))) result.temps.push(rel);
      return;
    }
    const path = rel === "" ? root : join(root, rel);
    const info = await lstat(path).catch(() => null);
    if (info === null) return;
    if (info.isSymbolicLink()) {
      result.shielded.push(rel);
    } else if (info.isFile()) {
      result.files.set(rel, { size: info.size, mtimeMs: info.mtimeMs });
    } else if (info.isDirectory()) {
      const names = await readdir(path).catch(() => [] as string[]);
      await Promise.all(names.map((name) => visit(rel === "" ? name : `${rel}/${name}`)));
    }
  };
  for (const scope of scopes ?? [""]) await visit(scope);
  return result;
}
