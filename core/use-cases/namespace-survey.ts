import { modelLockPrefix } from "../lock-keys.ts";
import type { PathResolver } from "../path-resolver.ts";
import type { ObjectStore } from "../ports/object-store.ts";
import { rootDataSubdir } from "../root-data.ts";
import { folderEntries } from "./datastore-entries.ts";
import { namespaceFolders } from "./namespace-registry.ts";

/**
 * What `swamp doctor` looks at about namespaces (docs/architecture.md, "Doctor"), pure over the
 * ObjectStore port: a folder datastore, a cache and a bucket are surveyed the same way.
 */

/** A datastore subdir at the root holding root data, and how many of its files are (up to `limit`). */
export interface RootDataFolder {
  subdir: string;
  files: number;
}

/** Objects under one namespace's prefix that are not its own: `{ns}/{otherNs}/…` or a solo lease folder. */
export interface MisplacedFolder {
  /** The namespace whose prefix holds them. */
  namespace: string;
  /** Their common prefix, e.g. `infra/security/`. */
  prefix: string;
  /** The namespace they belong to, or "" for solo mode's. */
  owner: string;
  objects: number;
}

/**
 * The subdirs at the root of `store` holding files that a namespaced repo with `resolver`'s layout
 * keeps under its namespace. Counts stop at `limit` (status needs only to know there are some).
 */
export async function findRootData(
  store: ObjectStore,
  resolver: PathResolver,
  signal?: AbortSignal,
  limit = Number.POSITIVE_INFINITY,
): Promise<RootDataFolder[]> {
  if (resolver.namespace.isSolo) return [];
  const subdirs = new Set(resolver.effectiveDirectories());
  const found: RootDataFolder[] = [];
  for (const folder of (await folderEntries(store, "", signal)).folders) {
    if (!subdirs.has(folder)) continue;
    let files = 0;
    for await (const info of store.list(`${folder}/`, undefined, signal)) {
      if (rootDataSubdir(info.key, resolver) !== null) files++;
      if (files >= limit) break;
    }
    if (files > 0) found.push({ subdir: folder, files });
  }
  return found;
}

/**
 * Under every namespace of the datastore (and `current`), the folders that belong elsewhere: a
 * namespace nested in another (or in itself), and solo mode's per-model leases.
 */
export async function findMisplaced(
  store: ObjectStore,
  current: string,
  signal?: AbortSignal,
): Promise<MisplacedFolder[]> {
  const namespaces = new Set(await namespaceFolders(store, signal));
  if (current !== "") namespaces.add(current);
  const found: MisplacedFolder[] = [];
  for (const namespace of [...namespaces].sort()) {
    const { folders } = await folderEntries(store, `${namespace}/`, signal);
    for (const owner of folders.filter((folder) => namespaces.has(folder))) {
      const prefix = `${namespace}/${owner}/`;
      found.push({ namespace, prefix, owner, objects: await countObjects(store, prefix, signal) });
    }
    const soloLeases = `${namespace}/${modelLockPrefix("")}`;
    const objects = await countObjects(store, soloLeases, signal);
    if (objects > 0) found.push({ namespace, prefix: soloLeases, owner: "", objects });
  }
  return found;
}

async function countObjects(store: ObjectStore, prefix: string, signal?: AbortSignal): Promise<number> {
  let n = 0;
  for await (const _ of store.list(prefix, undefined, signal)) n++;
  return n;
}
