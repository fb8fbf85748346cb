import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { PathResolver } from "../../core/path-resolver.ts";
import { rootDataSubdir } from "../../core/root-data.ts";
import { checkRemoteRel } from "../../core/sync/sync-keys.ts";

/**
 * The datastore subdirs at the root of a namespaced repo's cache that hold root data
 * (core/root-data.ts) solo mode would sync: data not yet moved under the namespace
 * (docs/architecture.md, "Namespaces"). Each folder is searched until its first such file;
 * symlinks are not followed.
 */
export async function rootDataDirs(resolver: PathResolver): Promise<string[]> {
  const found: string[] = [];
  for (const subdir of resolver.effectiveDirectories()) {
    if (await holdsRootData(join(resolver.datastoreBase, subdir), subdir, resolver)) found.push(subdir);
  }
  return found;
}

async function holdsRootData(dir: string, rel: string, resolver: PathResolver): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const child = `${rel}/${entry.name}`;
    if (checkRemoteRel(child) !== null) continue;
    if (entry.isFile() && rootDataSubdir(child, resolver) !== null) return true;
    if (entry.isDirectory() && (await holdsRootData(join(dir, entry.name), child, resolver))) return true;
  }
  return false;
}
