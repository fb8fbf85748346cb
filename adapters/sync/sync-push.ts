import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { PushResult } from "../../core/ports/sync-service.ts";
import { partitionKey } from "../../core/sync/partition-key.ts";
import type { EntryMap, IndexEntry } from "../../core/sync/sync-index.ts";
import { type LocalFile, planPush } from "../../core/sync/sync-plan.ts";
import type { FileStat } from "./cache-files.ts";
import { hashFile, sha256Hex } from "./hash-file.ts";
import { type Committed, commitIndex } from "./index-commit.ts";
import { walkCache } from "./local-walk.ts";
import { RemoteIndex } from "./remote-index.ts";
import { slidingWindow } from "./sliding-window.ts";
import type { EngineParts } from "./sync-engine.ts";
import { pull } from "./sync-pull.ts";
import type { SyncRun } from "./sync-run.ts";
import type { LocalEntry, SyncState } from "./sync-state-file.ts";

/** Local files hashed at once while looking for changes (disk, not network). */
const HASH_CONCURRENCY = 16;

/**
 * Sends local changes to the store (SPEC §5.5, with deletions and a conditional commit):
 * nothing to do costs no request; otherwise the dirty paths (or the whole cache after a bulk
 * change or a lost state) are compared with the local index, changed files uploaded in a
 * sliding window, and the index committed on the meta version read at the start.
 */
export async function push(parts: EngineParts, run: SyncRun): Promise<PushResult> {
  const state = parts.state.readState();
  const clean = parts.marks.pending(state);
  if (clean.paths.size === 0 && !clean.bulk && (await parts.state.indexTrusted(state))) {
    return { uploaded: 0, deleted: 0, requests: 0 };
  }
  let snapshot = await parts.state.snapshot();
  let fullWalk = false;
  if (snapshot.index === null) {
    // No trusted local index: learn the remote first (keeping every local change), then walk everything.
    await pull(parts, run, { preferLocal: true });
    snapshot = await parts.state.snapshot();
    fullWalk = true;
  }
  const pending = parts.marks.pending(snapshot.state);
  fullWalk ||= pending.bulk;
  const index = snapshot.index ?? new Map<string, LocalEntry>();
  const root = await parts.files.root();
  const scope = fullWalk ? null : [...pending.paths].sort();
  const walk = await walkCache(root, scope, (rel) => parts.files.check(rel));
  const local = await hashChanged(root, walk.files, index, run.signal);
  const plan = planPush(index, local, scope, walk.shielded);

  const upserts: EntryMap = new Map();
  const mtimes = new Map<string, number>();
  const vanished = new Set<string>();
  let done = 0;
  await slidingWindow(
    plan.uploads,
    parts.config.concurrency.push,
    async (rel) => {
      const uploaded = await upload(parts, run, rel);
      if (uploaded === null) vanished.add(rel);
      else {
        upserts.set(rel, uploaded.entry);
        mtimes.set(rel, uploaded.mtimeMs);
      }
      run.progress("upload", ++done, plan.uploads.length);
    },
    run.signal,
  );
  const deletions = new Set([...plan.remoteDeletions, ...[...vanished].filter((rel) => index.has(rel))]);

  let committed: Committed | null = null;
  if (upserts.size > 0 || deletions.size > 0) {
    const remote = new RemoteIndex(run.store, parts.config.remotePrefix);
    committed = await commitIndex(remote, run, parts.config, {
      base: await remote.readMeta(run.signal),
      entries: index,
      known: snapshot.state.partitions,
      delta: { upserts, deletions },
      beforeCommit: run.options.beforeCommit,
      retry: true,
    });
  }
  const orphaned = await deleteObjects(parts, run, [...deletions]);

  run.signal.throwIfAborted();
  const nextIndex = refreshedIndex(index, local, walk.files, committed, mtimes);
  const id = await parts.state.writeIndex(nextIndex);
  run.signal.throwIfAborted();
  const settle = parts.marks.settled(pending);
  const now = new Date(parts.config.clock.now()).toISOString();
  parts.state.update((state) => {
    settle(state);
    if (committed) recordCommit(state, committed);
    state.indexId = id;
    state.lastPushAt = now;
  });
  const result: PushResult = { uploaded: upserts.size, deleted: deletions.size, requests: run.store.total() };
  if (orphaned > 0) result.orphaned = orphaned;
  return result;
}

/** The sha256 of every walked file: from the index when size and mtime match what it recorded, else hashed. */
async function hashChanged(
  root: string,
  files: ReadonlyMap<string, FileStat>,
  index: ReadonlyMap<string, LocalEntry>,
  signal: AbortSignal,
): Promise<Map<string, LocalFile>> {
  const local = new Map<string, LocalFile>();
  await slidingWindow(
    [...files],
    HASH_CONCURRENCY,
    async ([rel, stat]) => {
      const known = index.get(rel);
      const unchanged = known?.localMtimeMs === stat.mtimeMs && known.size === stat.size;
      const sha256 = unchanged ? known.sha256 : await hashFile(join(root, rel)).catch(() => null);
      if (sha256 !== null) local.set(rel, { size: stat.size, sha256 });
    },
    signal,
  );
  return local;
}

/** Uploads one file: the entry describes exactly the bytes sent. Null when the file is gone. */
async function upload(
  parts: EngineParts,
  run: SyncRun,
  rel: string,
): Promise<{ entry: IndexEntry; mtimeMs: number } | null> {
  const target = await parts.files.resolve(rel);
  if ("reason" in target) return null;
  const before = await parts.files.statFile(target.path);
  const bytes = before === null ? null : await readFile(target.path).catch(() => null);
  if (before === null || bytes === null) return null;
  await run.store.put(parts.config.remotePrefix + rel, bytes, undefined, run.signal);
  const entry = { size: bytes.byteLength, sha256: sha256Hex(bytes), modifiedAt: parts.config.clock.now() };
  return { entry, mtimeMs: before.mtimeMs };
}

/**
 * Deletes the objects of entries this push removed from the index. After the commit, so a
 * failed commit never leaves the index naming missing objects; best effort, because the index
 * no longer lists them: a failure leaves an orphan object, counted, never an error.
 */
async function deleteObjects(parts: EngineParts, run: SyncRun, rels: string[]): Promise<number> {
  let orphaned = 0;
  let done = 0;
  await slidingWindow(
    rels,
    parts.config.concurrency.push,
    async (rel) => {
      await run.store
        .delete(parts.config.remotePrefix + rel, undefined, run.signal)
        .catch((error: unknown) => {
          if (run.signal.aborted) throw error;
          orphaned++;
        });
      run.progress("delete", ++done, rels.length);
    },
    run.signal,
  );
  return orphaned;
}

/**
 * The local index after the push: the committed partitions as they now are remotely; local
 * mtimes refreshed for files whose bytes are known to match their entry.
 */
function refreshedIndex(
  index: ReadonlyMap<string, LocalEntry>,
  local: ReadonlyMap<string, LocalFile>,
  stats: ReadonlyMap<string, FileStat>,
  committed: Committed | null,
  uploadedMtimes: ReadonlyMap<string, number>,
): Map<string, LocalEntry> {
  const next = new Map(index);
  if (committed) {
    for (const [rel] of index) if (committed.rewritten.has(partitionKey(rel))) next.delete(rel);
    for (const entries of committed.rewritten.values()) {
      for (const [rel, entry] of entries) next.set(rel, { ...entry });
    }
  }
  for (const [rel, entry] of next) {
    const mtime = uploadedMtimes.get(rel);
    const file = local.get(rel);
    if (mtime !== undefined && entry.sha256 === file?.sha256)
      next.set(rel, { ...entry, localMtimeMs: mtime });
    else if (file?.sha256 === entry.sha256) {
      const stat = stats.get(rel);
      if (stat) next.set(rel, { ...entry, localMtimeMs: stat.mtimeMs });
    }
  }
  return next;
}

/**
 * Records the commit: each rewritten partition is now known at its new shard. The commitSeq and
 * meta version are adopted only when every other partition is one we already knew, so the next
 * pull still fetches what other writers committed meanwhile.
 */
function recordCommit(state: SyncState, committed: Committed): void {
  const partitions: Record<string, { key: string; sha256: string }> = { ...state.partitions };
  for (const pk of committed.rewritten.keys()) {
    const ref = committed.meta.partitions.get(pk);
    if (ref) partitions[pk] = { key: ref.key, sha256: ref.sha256 };
    else delete partitions[pk];
  }
  const complete =
    Object.keys(partitions).length === committed.meta.partitions.size &&
    [...committed.meta.partitions].every(([pk, ref]) => partitions[pk]?.sha256 === ref.sha256);
  state.partitions = partitions;
  if (complete) {
    state.commitSeq = committed.meta.commitSeq;
    state.metaVersion = committed.version;
  }
}
