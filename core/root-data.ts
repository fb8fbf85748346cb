import type { PathResolver } from "./path-resolver.ts";
import { joinPosix } from "./posix-path.ts";
import { isTempName } from "./temp-files.ts";

/**
 * Root data (docs/architecture.md, "Namespaces"): in a namespaced repo, a file at the datastore
 * (or cache, or bucket) root that the repo's layout would place in its datastore tier — solo-mode
 * data not yet moved under the namespace. Local-tier files that share a root with the datastore
 * (the catalog, subdirs kept local by `directories:` or `exclude:`) and temp files are not.
 * Returns the file's subdir, or null.
 */
export function rootDataSubdir(key: string, resolver: PathResolver): string | null {
  if (resolver.namespace.isSolo) return null;
  const slash = key.indexOf("/");
  if (slash <= 0) return null;
  const subdir = key.slice(0, slash);
  const rest = key.slice(slash + 1);
  const name = rest.slice(rest.lastIndexOf("/") + 1);
  if (rest === "" || isTempName(name)) return null;
  if (joinPosix(resolver.datastoreBase, key).startsWith(resolver.catalogPath())) return null;
  try {
    return resolver.resolve(subdir, rest).tier === "datastore" ? subdir : null;
  } catch {
    // A key that climbs out of its subdir is not data of this layout.
    return null;
  }
}
