import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { checkRemoteRel } from "../../core/sync/sync-keys.ts";

/**
 * Which of `subdirs` at `base` (solo mode's place in a cache) hold a file solo mode would sync:
 * data a namespaced repo has not moved under its namespace (docs/architecture.md, "Namespaces").
 * Each folder is searched until its first such file; internal and temp files do not count, and
 * symlinks are not followed.
 */
export async function rootDataDirs(base: string, subdirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const subdir of subdirs) if (await holdsFile(join(base, subdir), subdir)) found.push(subdir);
  return found;
}

async function holdsFile(dir: string, rel: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const child = `${rel}/${entry.name}`;
    if (checkRemoteRel(child) !== null) continue;
    if (entry.isFile()) return true;
    if (entry.isDirectory() && (await holdsFile(join(dir, entry.name), child))) return true;
  }
  return false;
}
