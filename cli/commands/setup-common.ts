import { type DataNameRef, parseDataPath } from "../../core/data-path.ts";

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
export function movedDataNames(moved: readonly MovedFiles[]): DataNameRef[] {
  const names = new Map<string, DataNameRef>();
  for (const { sub, files } of moved) {
    for (const file of files) {
      const ref = parseDataPath(`${sub}/${file}`);
      if (ref) names.set(`${ref.type}/${ref.id}/${ref.name}`, ref);
    }
  }
  return [...names.values()];
}
