/**
 * The subdirectories of the datastore tree (docs/architecture.md, "Datastore tree"), in the
 * original swamp CLI's order.
 */
export const DEFAULT_DATASTORE_SUBDIRS = [
  "auto-definitions",
  "definitions-evaluated",
  "workflows-evaluated",
  "data",
  "outputs",
  "workflow-runs",
  "secrets",
  "bundles",
  "vault-bundles",
  "driver-bundles",
  "report-bundles",
  "audit",
  "telemetry",
  "logs",
  "files",
] as const;

/**
 * Subdirs that stay in `{repo}/.swamp` whatever the config says. `datastore-bundles` is
 * needed to load a datastore before the path resolver exists, so it can never live in one.
 */
export const ALWAYS_LOCAL_SUBDIRS = [
  "secrets",
  "bundles",
  "vault-bundles",
  "driver-bundles",
  "report-bundles",
  "datastore-bundles",
] as const;

/**
 * Folders of the repo's own `.swamp/` that are not datastore subdirs (the default datastore is that
 * same folder, so none of them may be taken for a namespace).
 */
export const REPO_LOCAL_DIRS = ["lease-journal"] as const;

const alwaysLocal: ReadonlySet<string> = new Set(ALWAYS_LOCAL_SUBDIRS);
const known: ReadonlySet<string> = new Set(DEFAULT_DATASTORE_SUBDIRS);

export function isAlwaysLocalSubdir(subdir: string): boolean {
  return alwaysLocal.has(subdir);
}

export function isDatastoreSubdir(subdir: string): boolean {
  return known.has(subdir);
}

/**
 * The subdirs that actually live in the datastore tier: the configured (or default) list minus
 * always-local ones and unknown names, in the reference's order, without duplicates.
 */
export function effectiveSubdirs(configured?: readonly string[]): string[] {
  const wanted = new Set(configured ?? DEFAULT_DATASTORE_SUBDIRS);
  return DEFAULT_DATASTORE_SUBDIRS.filter((s) => wanted.has(s) && !alwaysLocal.has(s));
}
