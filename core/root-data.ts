import type { PathResolver } from "./path-resolver.ts";
import { joinPosix } from "./posix-path.ts";
import { checkRemoteRel } from "./sync/sync-keys.ts";

/**
 * Root data (docs/architecture.md, "Namespaces"): in a namespaced repo, a file at the datastore
 * (or cache, or bucket) root that the repo's layout would place in its datastore tier — solo-mode
 * data not yet moved under the namespace. Local-tier files that share a root with the datastore
 * (the catalog, subdirs kept local by `directories:` or `exclude:`) are not, nor is any file sync
 * never carries (leases, temps, mutexes, `latest` markers, names no store can hold): the one
 * definition behind the push refusal, `namespace set`'s warning, `ds status` and `doctor`.
 * Returns the file's subdir, or null.
 */
export function rootDataSubdir(key: string, resolver: PathResolver): string | null {
  if (resolver.namespace.isSolo) return null;
  const slash = key.indexOf("/");
  if (slash <= 0) return null;
  const subdir = key.slice(0, slash);
  const rest = key.slice(slash + 1);
  if (rest === "" || checkRemoteRel(key) !== null) return null;
  if (joinPosix(resolver.datastoreBase, key).startsWith(resolver.catalogPath())) return null;
  try {
    return resolver.resolve(subdir, rest).tier === "datastore" ? subdir : null;
  } catch {
    // A key that climbs out of its subdir is not data of this layout.
    return null;
  }
}
