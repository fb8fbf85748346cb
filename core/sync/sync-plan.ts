import type { EntryMap, IndexEntry } from "./sync-index.ts";
import { parseVersionFile } from "./version-files.ts";

/**
 * The pure halves of pull and push: which files move, given the remote index, the local
 * index (the remote as of the last sync) and the paths changed locally since then.
 */

const FEW_PATHS = 8;

/** Whether a path is covered by the dirty set (itself or under a dirty directory). */
export function dirtyMatcher(dirty: Iterable<string>): (rel: string) => boolean {
  const paths = new Set(dirty);
  if (paths.size === 0) return () => false;
  if (paths.size <= FEW_PATHS) {
    // A put's few dirty paths, matched against every index entry: a prefix test per path is cheaper.
    const few = [...paths];
    return (rel) =>
      few.some((p) => rel.startsWith(p) && (rel.length === p.length || rel.charCodeAt(p.length) === 47));
  }
  return (rel) => {
    if (paths.has(rel)) return true;
    for (let cut = rel.lastIndexOf("/"); cut > 0; cut = rel.lastIndexOf("/", cut - 1)) {
      if (paths.has(rel.slice(0, cut))) return true;
    }
    return false;
  };
}

export interface PullPlan {
  /** Remote entries new or changed since the last sync: bring them into the cache. */
  downloads: string[];
  /** Entries the remote no longer has: remove them from the cache (remote deletions propagate). */
  localDeletions: string[];
  /**
   * Remote changes to paths that are dirty locally: the local change wins and is pushed later.
   * Never a version file: those are immutable, so a remote one is always brought in (a pending
   * local version in its way is renumbered first) and a remote deletion always followed.
   */
  keptLocal: string[];
}

export function planPull(
  remote: ReadonlyMap<string, IndexEntry>,
  local: ReadonlyMap<string, IndexEntry>,
  isDirty: (rel: string) => boolean,
): PullPlan {
  const plan: PullPlan = { downloads: [], localDeletions: [], keptLocal: [] };
  const localWins = (rel: string) => isDirty(rel) && parseVersionFile(rel) === null;
  for (const [rel, entry] of remote) {
    if (local.get(rel)?.sha256 === entry.sha256) continue;
    (localWins(rel) ? plan.keptLocal : plan.downloads).push(rel);
  }
  for (const rel of local.keys()) {
    if (remote.has(rel)) continue;
    (localWins(rel) ? plan.keptLocal : plan.localDeletions).push(rel);
  }
  return plan;
}

export interface LocalFile {
  size: number;
  sha256: string;
}

export interface PushPlan {
  /** Local files that differ from the index (or are not in it). */
  uploads: string[];
  /** Index entries inside the walked scope whose local file is gone. */
  remoteDeletions: string[];
}

/**
 * `scope` is the walked paths (the dirty set), or null for a walk of the whole cache; `files`
 * is every syncable file found in that scope. `shielded` paths were not walked (e.g. behind a
 * symlink), so their absence proves nothing.
 */
export function planPush(
  index: ReadonlyMap<string, IndexEntry>,
  files: ReadonlyMap<string, LocalFile>,
  scope: readonly string[] | null,
  shielded: readonly string[] = [],
): PushPlan {
  const uploads = [...files]
    .filter(([rel, file]) => index.get(rel)?.sha256 !== file.sha256)
    .map(([rel]) => rel);
  const inScope = scope === null ? () => true : dirtyMatcher(scope);
  const isShielded = dirtyMatcher(shielded);
  const remoteDeletions: string[] = [];
  for (const rel of index.keys())
    if (!files.has(rel) && inScope(rel) && !isShielded(rel)) remoteDeletions.push(rel);
  return { uploads: uploads.sort(), remoteDeletions: remoteDeletions.sort() };
}

/**
 * What a republish sends besides the plan: files whose index entry matches them but whose object
 * the store lost (a bucket restored in part), so the index names objects that are there again.
 */
export function lostObjects(
  index: ReadonlyMap<string, IndexEntry>,
  files: ReadonlyMap<string, LocalFile>,
  stored: ReadonlySet<string>,
): string[] {
  return [...files]
    .filter(([rel, file]) => index.get(rel)?.sha256 === file.sha256 && !stored.has(rel))
    .map(([rel]) => rel)
    .sort();
}

/**
 * A push's own changes, re-applied on top of whatever the remote holds at commit time.
 * Deletions name the sha256 this clone saw: an entry someone else has replaced since is theirs,
 * and stays.
 */
export interface IndexDelta {
  upserts: EntryMap;
  deletions: ReadonlyMap<string, string>;
}

/** Entries after this push's changes: the newer local change wins. */
export function applyDelta(base: ReadonlyMap<string, IndexEntry>, delta: IndexDelta): EntryMap {
  const next: EntryMap = new Map(base);
  for (const [rel, sha256] of delta.deletions) if (next.get(rel)?.sha256 === sha256) next.delete(rel);
  for (const [rel, entry] of delta.upserts) next.set(rel, entry);
  return next;
}

/** Splits a delta by index partition, so each shard is rebuilt from its own changes only. */
export function splitDelta(delta: IndexDelta, partitionOf: (rel: string) => string): Map<string, IndexDelta> {
  const parts = new Map<string, { upserts: EntryMap; deletions: Map<string, string> }>();
  const part = (rel: string) => {
    const pk = partitionOf(rel);
    let found = parts.get(pk);
    if (!found) {
      found = { upserts: new Map(), deletions: new Map() };
      parts.set(pk, found);
    }
    return found;
  };
  for (const [rel, sha256] of delta.deletions) part(rel).deletions.set(rel, sha256);
  for (const [rel, entry] of delta.upserts) part(rel).upserts.set(rel, entry);
  return parts;
}
