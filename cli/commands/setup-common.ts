export const RETRY_HINT = "Re-run the same command to retry. Local data is preserved and the retry is safe.";

/** Never migrated: the repo-local catalog, crash leftovers, and lease objects. */
export function isInternalFile(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf("/") + 1);
  return (
    base.startsWith("_catalog.db") || base.endsWith(".tmp") || base.endsWith(".mutex") || base === ".lock"
  );
}
