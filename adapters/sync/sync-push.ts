import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SwampError } from "../../core/errors.ts";
import type { PushResult, RebasedVersion } from "../../core/ports/sync-service.ts";
import { slidingWindow } from "../../core/sliding-window.ts";
import { inUnit, layoutOf, unitOf } from "../../core/sync/index-buckets.ts";
import { indexRegression } from "../../core/sync/index-progress.ts";
import type { EntryMap, IndexEntry } from "../../core/sync/sync-index.ts";
import {
  applyDelta,
  dirtyMatcher,
  type IndexDelta,
  type LocalFile,
  lostObjects,
  planPush,
} from "../../core/sync/sync-plan.ts";
import {
  contentMetadataOf,
  heldVersions,
  parseVersionFile,
  VERSION_METADATA,
  type VersionFile,
} from "../../core/sync/version-files.ts";
import { removeStaleTemps, writerGoneOn } from "../fs/stale-temps.ts";
import type { FileStat } from "./cache-files.ts";
import type { EngineParts } from "./engine-parts.ts";
import { hashFile, sha256Hex } from "./hash-file.ts";
import { type Committed, commitIndex, type KnownUnits } from "./index-commit.ts";
import { walkCache } from "./local-walk.ts";
import { PendingVersions } from "./pending-versions.ts";
import { RemoteIndex, type VersionedMeta } from "./remote-index.ts";
import { collectOldShards } from "./shard-collection.ts";
import { pull, regressedIndex } from "./sync-pull.ts";
import type { SyncRun } from "./sync-run.ts";
import type { LocalEntry, SyncState } from "./sync-state-file.ts";

/** Local files hashed at once while looking for changes (disk, not network). */
const HASH_CONCURRENCY = 16;
/** Rounds of renumbering after collisions before giving up (each round moves numbers strictly up). */
const MAX_REBASE_ROUNDS = 5;

/**
 * Sends local changes to the store, with deletions and a conditional commit (docs/architecture.md, "Sync"):
 * nothing to do costs no request; otherwise the dirty paths (or the whole cache after a bulk
 * change or a lost state) are compared with the local index, changed files uploaded in a
 * sliding window, and the index committed on the meta version read at the start.
 * Version files are written create-only: when another clone holds the number, the pending
 * versions of that name are renumbered and the push goes round again (docs/architecture.md).
 */
export async function push(parts: EngineParts, run: SyncRun): Promise<PushResult> {
  try {
    return await pushRounds(parts, run);
  } catch (error) {
    // Whatever went wrong, the next push reads the meta afresh.
    parts.lastMeta = undefined;
    throw error;
  }
}

async function pushRounds(parts: EngineParts, run: SyncRun): Promise<PushResult> {
  const state = parts.state.readState();
  const clean = parts.marks.pending(state);
  if (clean.paths.size === 0 && !clean.bulk && (await parts.state.indexTrusted(state))) {
    return { uploaded: 0, deleted: 0, rebased: [], requests: 0 };
  }
  const rebased: RebasedVersion[] = [];
  const sent = new Map<string, string>();
  for (let round = 1; ; round++) {
    const outcome = await pushOnce(parts, run, sent);
    if ("result" in outcome) {
      await new PendingVersions(parts).refreshLatest(rebased.map(nameRelOf));
      return { ...outcome.result, rebased };
    }
    if (round >= MAX_REBASE_ROUNDS) {
      throw new SwampError(
        "sync_failed",
        `version numbers kept being taken in the store while renumbering (${MAX_REBASE_ROUNDS} rounds)`,
      );
    }
    rebased.push(...(await rebaseCollisions(parts, run, outcome.collisions, outcome.index)));
  }
}

type Round =
  | { result: Omit<PushResult, "rebased"> }
  | { collisions: VersionFile[]; index: ReadonlyMap<string, LocalEntry> };

async function pushOnce(parts: EngineParts, run: SyncRun, sent: Map<string, string>): Promise<Round> {
  let opened = await parts.state.open();
  let fullWalk = false;
  if (opened.stored === null) {
    // No trusted local index: learn the remote first (keeping every local change), then walk everything.
    await pull(parts, run, { preferLocal: true });
    opened = await parts.state.open();
    fullWalk = true;
  }
  const snapshot = { state: opened.state, stored: opened.stored ?? parts.state.emptyIndex() };
  const pending = parts.marks.pending(snapshot.state);
  fullWalk ||= pending.bulk;
  const root = await parts.files.root();
  const scope = fullWalk ? null : [...pending.paths].sort();
  const walk = await walkCache(root, scope, (rel) => parts.files.check(rel));
  // Only the units the walk and the dirty set fall in are read: a put stays flat as the index grows.
  const index =
    scope === null || run.options.republish
      ? snapshot.stored.all()
      : snapshot.stored.covering(scope, walk.files.keys());
  await removeStaleTemps(
    walk.temps.map((rel) => join(root, rel)),
    parts.config.clock.now(),
    writerGoneOn(parts.config.host),
  );
  const local = await hashChanged(root, walk.files, index, run.signal);
  const unhydrated = await leftInStore(parts, root, index, walk.files, scope);
  const plan = planPush(index, local, scope, [...walk.shielded, ...unhydrated]);
  if (run.options.republish) {
    plan.remoteDeletions = [];
    plan.uploads = [...plan.uploads, ...lostObjects(index, local, await storedRels(parts, run))].sort();
  }
  // Known before anything is sent: nothing goes up against an index that went back. The meta this
  // engine last read (the command's pull, under the same leases) or committed is as good as a
  // fresh read: the commit is conditional on its version, and a meta that moved meanwhile is read
  // again and checked again before anything is committed over it.
  const remote = new RemoteIndex(run.store, parts.config.remotePrefix, () => parts.config.host.uuid());
  const base =
    parts.lastMeta !== undefined && !run.options.republish
      ? parts.lastMeta
      : await remote.readMeta(run.signal, { discardUnreadable: run.options.republish === true });
  const known = { commitSeq: snapshot.state.commitSeq, partitions: Object.keys(snapshot.state.partitions) };
  const followable = (meta: VersionedMeta | null) => {
    const regression = indexRegression(known, meta?.meta ?? null);
    if (regression !== null && !run.options.republish) {
      throw regressedIndex(run.store.description, parts.config.remotePrefix, regression);
    }
  };
  followable(base);

  const upserts: EntryMap = new Map();
  const mtimes = new Map<string, number>();
  const vanished = new Set<string>();
  const collisions: VersionFile[] = [];
  let done = 0;
  let bytes = 0;
  const send = (rels: readonly string[]) =>
    slidingWindow(
      rels,
      parts.config.concurrency.push,
      async (rel) => {
        const uploaded = await upload(parts, run, rel, sent);
        if (uploaded === null) vanished.add(rel);
        else if ("collision" in uploaded) collisions.push(uploaded.collision);
        else {
          upserts.set(rel, uploaded.entry);
          mtimes.set(rel, uploaded.mtimeMs);
          bytes += uploaded.entry.size;
        }
        run.progress("upload", ++done, plan.uploads.length, { bytes });
      },
      run.signal,
    );
  // A version's metadata is its claim on the number: the rest of it goes up only once that is won,
  // so two clones racing for one number never leave half of each in the store.
  const [claims, rest] = partition(plan.uploads, (rel) => parseVersionFile(rel) === null || isClaim(rel));
  await send(claims);
  const lost = new Set(collisions.map(({ nameRel, version }) => `${nameRel}/${version}/`));
  await send(rest.filter((rel) => ![...lost].some((dir) => rel.startsWith(dir))));
  if (collisions.length > 0) return { collisions, index: snapshot.stored.all() };
  const deletions = new Map<string, string>();
  for (const rel of [...plan.remoteDeletions, ...vanished]) {
    const known = index.get(rel);
    if (known && !(run.options.republish && vanished.has(rel))) deletions.set(rel, known.sha256);
  }

  let committed: Committed | null = null;
  // A republish always commits: it is how an index that vanished comes back, even unchanged.
  if (upserts.size > 0 || deletions.size > 0 || run.options.republish) {
    committed = await commitIndex(remote, run, parts.config, {
      base,
      entries: snapshot.stored,
      known: snapshot.state.partitions,
      seenSeq: snapshot.state.seenSeq,
      delta: { upserts, deletions },
      beforeCommit: run.options.beforeCommit,
      retry: true,
      followable,
    });
    parts.lastMeta = committed ? { meta: committed.meta, version: committed.version } : undefined;
  }
  // Only the objects whose entries this commit removed: an entry someone replaced stays theirs.
  const removed = committed ? removedBy(committed, [...deletions.keys()]) : [];
  const orphaned = await deleteObjects(parts, run, removed);

  run.signal.throwIfAborted();
  const applied: IndexDelta = {
    upserts,
    deletions: new Map(removed.map((rel) => [rel, deletions.get(rel) ?? ""])),
  };
  const changes = refreshedEntries(index, local, walk.files, applied, mtimes);
  const layout = committed ? layoutOf(committed.meta.partitions.keys()) : snapshot.stored.layout;
  const id = await parts.state.writeStored((next) => snapshot.stored.changed(next, changes, layout));
  run.signal.throwIfAborted();
  const settle = parts.marks.settled(pending);
  const now = new Date(parts.config.clock.now()).toISOString();
  parts.state.update((state) => {
    settle(state);
    if (committed) recordCommit(state, committed, snapshot.stored, applied);
    state.indexId = id;
    state.lastPushAt = now;
  });
  if (committed?.sweep) {
    await collectOldShards(run, parts.config.remotePrefix, committed.meta, parts.config.concurrency.push);
  }
  const result: Omit<PushResult, "rebased"> = {
    uploaded: upserts.size,
    deleted: removed.length,
    requests: run.store.total(),
  };
  if (orphaned > 0) result.orphaned = orphaned;
  return { result };
}

/**
 * Version content a lazy pull left in the store whose version is still here (its metadata in the
 * cache, or never brought in): absent by design, not deleted (docs/architecture.md, "Lazy
 * hydration"). Once the version itself is deleted here, its content goes with it.
 */
async function leftInStore(
  parts: EngineParts,
  root: string,
  index: ReadonlyMap<string, LocalEntry>,
  walked: ReadonlyMap<string, FileStat>,
  scope: readonly string[] | null,
): Promise<string[]> {
  const inScope = scope === null ? () => true : dirtyMatcher(scope);
  const absent: string[] = [];
  for (const [rel, entry] of index)
    if (entry.remoteOnly && !walked.has(rel) && inScope(rel)) absent.push(rel);
  const kept: string[] = [];
  await slidingWindow(absent, HASH_CONCURRENCY, async (rel) => {
    const metadata = contentMetadataOf(rel);
    if (metadata === null) return;
    // A version this cache never held (its metadata refused by a pull) was not deleted here either.
    const held = index.has(metadata);
    if (!held || walked.has(metadata) || (await parts.files.statFile(join(root, metadata))) !== null) {
      kept.push(rel);
    }
  });
  return kept;
}

/** Every key of the namespace in the store, below its prefix: one listing (a republish's cost). */
async function storedRels(parts: EngineParts, run: SyncRun): Promise<Set<string>> {
  const prefix = parts.config.remotePrefix;
  const rels = new Set<string>();
  for await (const info of run.store.list(prefix, undefined, run.signal))
    rels.add(info.key.slice(prefix.length));
  return rels;
}

function isClaim(rel: string): boolean {
  return rel.endsWith(`/${VERSION_METADATA}`);
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

/** The deleted paths whose entries this commit removed (not those another clone replaced). */
function removedBy(committed: Committed, deleted: readonly string[]): string[] {
  const layout = layoutOf(committed.meta.partitions.keys());
  return deleted.filter((rel) => committed.rewritten.get(unitOf(rel, layout))?.has(rel) !== true);
}

function nameRelOf(version: RebasedVersion): string {
  return `data/${version.type}/${version.id}/${version.name}`;
}

/**
 * Every name whose version number was taken in the store: its pending versions move above the
 * highest number anyone holds there, committed or claimed by a push that never committed (listed
 * once per name: a run of such claims above the index costs one round, not one per number), so
 * the next round can write them.
 */
async function rebaseCollisions(
  parts: EngineParts,
  run: SyncRun,
  collisions: readonly VersionFile[],
  index: ReadonlyMap<string, LocalEntry>,
): Promise<RebasedVersion[]> {
  const committed = heldVersions(index.keys());
  const names = new Set(collisions.map(({ nameRel }) => nameRel));
  const versions = new PendingVersions(parts);
  const rebased: RebasedVersion[] = [];
  for (const nameRel of names) {
    const held = new Set([
      ...collisions.filter((c) => c.nameRel === nameRel).map((c) => c.version),
      ...(await storedVersions(parts, run, nameRel)),
    ]);
    const floor = Math.max(0, ...held, ...(committed.get(nameRel) ?? []));
    rebased.push(...(await versions.rebase(nameRel, [index], held, floor, run.signal)));
  }
  return rebased;
}

/** The version numbers of `nameRel` with any object in the store. */
async function storedVersions(parts: EngineParts, run: SyncRun, nameRel: string): Promise<number[]> {
  const prefix = parts.config.remotePrefix;
  const found: number[] = [];
  for await (const info of run.store.list(`${prefix}${nameRel}/`, undefined, run.signal)) {
    const file = parseVersionFile(info.key.slice(prefix.length));
    if (file) found.push(file.version);
  }
  return found;
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

type Uploaded = { entry: IndexEntry; mtimeMs: number } | { collision: VersionFile };

/**
 * Uploads one file: the entry describes exactly the bytes sent. Null when the file is gone.
 * A version file is written create-only: the same bytes already there are fine (an earlier push
 * that never committed); other bytes are a collision, and nothing is overwritten.
 */
async function upload(
  parts: EngineParts,
  run: SyncRun,
  rel: string,
  sent: Map<string, string>,
): Promise<Uploaded | null> {
  const target = await parts.files.resolve(rel);
  if ("reason" in target) return null;
  const before = target.file;
  const bytes = before === null ? null : await readFile(target.path).catch(() => null);
  if (before === null || bytes === null) return null;
  const sha256 = sha256Hex(bytes);
  const entry = { size: bytes.byteLength, sha256, modifiedAt: parts.config.clock.now() };
  const key = parts.config.remotePrefix + rel;
  const version = parseVersionFile(rel);
  if (version === null) {
    await run.store.put(key, bytes, undefined, run.signal);
  } else if (sent.get(rel) !== sha256) {
    const written = await run.store.put(key, bytes, { absent: true }, run.signal);
    if (!written.ok) {
      const stored = await run.store.get(key, run.signal);
      if (stored === null || sha256Hex(stored.body) !== sha256) return { collision: version };
    }
    sent.set(rel, sha256);
  }
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
 * The local index's changes after the push: its own changes, never what other writers committed
 * meanwhile (their files are not here yet: the next pull brings them); null for an entry gone.
 * Local mtimes refreshed for walked files whose bytes are known to match their entry.
 */
function refreshedEntries(
  index: ReadonlyMap<string, LocalEntry>,
  local: ReadonlyMap<string, LocalFile>,
  stats: ReadonlyMap<string, FileStat>,
  delta: IndexDelta,
  uploadedMtimes: ReadonlyMap<string, number>,
): Map<string, LocalEntry | null> {
  const changes = new Map<string, LocalEntry | null>();
  for (const [rel, sha256] of delta.deletions) if (index.get(rel)?.sha256 === sha256) changes.set(rel, null);
  for (const [rel, entry] of delta.upserts) changes.set(rel, entry);
  for (const [rel, file] of local) {
    const entry = changes.has(rel) ? changes.get(rel) : index.get(rel);
    if (!entry || entry.sha256 !== file.sha256) continue;
    const mtime = uploadedMtimes.get(rel) ?? stats.get(rel)?.mtimeMs;
    if (mtime !== undefined && mtime !== entry.localMtimeMs)
      changes.set(rel, { ...entry, localMtimeMs: mtime });
  }
  return changes;
}

/**
 * Records the commit: a rewritten partition is known at its new shard only when it holds exactly
 * what this clone knew plus its own changes; one that also carries other writers' changes is
 * forgotten, so the next pull reads it. The commitSeq and meta version are adopted only when every
 * partition is known.
 */
function recordCommit(state: SyncState, committed: Committed, index: KnownUnits, delta: IndexDelta): void {
  const partitions: Record<string, { key: string; sha256: string }> = { ...state.partitions };
  for (const [unit, entries] of committed.rewritten) {
    const ref = committed.meta.partitions.get(unit);
    // Compared only when a unit was built on another writer's shard (rare).
    const mine = committed.own.has(unit) || sameEntries(entries, withDelta(index.get(unit), unit, delta));
    if (ref && mine) partitions[unit] = { key: ref.key, sha256: ref.sha256 };
    else delete partitions[unit];
  }
  // The buckets of a partition whose bucket count changed are gone; its new ones are above.
  for (const unit of Object.keys(partitions))
    if (!committed.meta.partitions.has(unit)) delete partitions[unit];
  const complete =
    Object.keys(partitions).length === committed.meta.partitions.size &&
    [...committed.meta.partitions].every(([pk, ref]) => partitions[pk]?.sha256 === ref.sha256);
  state.partitions = partitions;
  state.seenSeq = Math.max(state.seenSeq, committed.meta.commitSeq);
  if (complete) {
    state.commitSeq = committed.meta.commitSeq;
    state.metaVersion = committed.version;
  }
}

/** A unit's entries with the delta's changes to that unit. */
function withDelta(entries: ReadonlyMap<string, IndexEntry>, unit: string, delta: IndexDelta): EntryMap {
  const ofUnit = (rel: string) => inUnit(rel, unit);
  return applyDelta(entries, {
    upserts: new Map([...delta.upserts].filter(([rel]) => ofUnit(rel))),
    deletions: new Map([...delta.deletions].filter(([rel]) => ofUnit(rel))),
  });
}

function sameEntries(
  a: ReadonlyMap<string, IndexEntry>,
  b: ReadonlyMap<string, IndexEntry> | undefined,
): boolean {
  if (a.size !== (b?.size ?? 0)) return false;
  for (const [rel, entry] of a) if (b?.get(rel)?.sha256 !== entry.sha256) return false;
  return true;
}
