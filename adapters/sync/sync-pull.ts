import { SwampError } from "../../core/errors.ts";
import type { PullResult, RebasedVersion } from "../../core/ports/sync-service.ts";
import { slidingWindow } from "../../core/sliding-window.ts";
import { layoutOf, UnitEntries, unitOf } from "../../core/sync/index-buckets.ts";
import { indexRegression } from "../../core/sync/index-progress.ts";
import { foldCase, pathConflicts } from "../../core/sync/path-conflicts.ts";
import type { EntryMap, IndexEntry, IndexMeta, PartitionRef, Rejected } from "../../core/sync/sync-index.ts";
import { leftOutQuietly } from "../../core/sync/sync-keys.ts";
import { dirtyMatcher, planPull } from "../../core/sync/sync-plan.ts";
import {
  contentMetadataOf,
  heldVersions,
  parseVersionFile,
  VERSION_METADATA,
} from "../../core/sync/version-files.ts";
import { unplaceable } from "./cache-files.ts";
import type { EngineParts } from "./engine-parts.ts";
import { hashFile, sha256Hex } from "./hash-file.ts";
import { commitIndex } from "./index-commit.ts";
import { PendingVersions } from "./pending-versions.ts";
import { RemoteIndex } from "./remote-index.ts";
import type { SyncRun } from "./sync-run.ts";
import { everyPartitionSynced, type LocalEntry, type Snapshot } from "./sync-state-file.ts";

/** The remote index moved under a pull (an object or shard no longer matches): start over. */
class IndexMoved extends Error {}

const MAX_ATTEMPTS = 3;

export interface PullMode {
  /**
   * Keep every local file that differs from the remote (a `--push` on a cache whose state was
   * lost: the local copy is what the user wants uploaded). Otherwise the remote wins, except for
   * dirty paths, and for locally changed files when a bulk change is pending.
   */
  preferLocal: boolean;
}

/** Why a pull refused to follow the remote index; the fix is a republish. */
export function regressedIndex(store: string, prefix: string, why: string): SwampError {
  return new SwampError(
    "index_regressed",
    `The index of ${store} (${prefix}_index/_meta.json) cannot be followed: ${why}. Nothing was deleted or overwritten. If the bucket was emptied, restored or its index damaged, run 'swamp datastore sync --republish' to upload this cache's data again (it never deletes or overwrites anything in the store).`,
  );
}

/**
 * Brings the cache to the remote index (docs/architecture.md, "Sync"): one request when
 * nothing changed; otherwise only the changed shards are read, changed entries downloaded
 * (atomically, checked against their sha256), and entries deleted remotely removed locally,
 * except where the local copy changed and is waiting to be pushed.
 */
export async function pull(parts: EngineParts, run: SyncRun, mode: PullMode): Promise<PullResult> {
  const remote = new RemoteIndex(run.store, parts.config.remotePrefix, () => parts.config.host.uuid());
  for (let attempt = 1; ; attempt++) {
    const state = parts.state.readState();
    const trusted = await parts.state.indexTrusted(state);
    run.progress("index", 0, 1);
    const republish = run.options.republish === true;
    const meta = await remote.readMeta(run.signal, { discardUnreadable: republish });
    const unchanged = state.commitSeq === meta?.meta.commitSeq && state.metaVersion === meta.version;
    if (meta && trusted && unchanged && everyPartitionSynced(state) && run.options.verify !== true) {
      parts.lastMeta = meta;
      return {
        downloaded: 0,
        deleted: 0,
        changed: [],
        rejected: [],
        rebased: [],
        requests: run.store.total(),
      };
    }
    const regression = indexRegression(
      { commitSeq: state.commitSeq, partitions: Object.keys(state.partitions) },
      meta?.meta ?? null,
    );
    if (regression !== null && !republish) {
      throw regressedIndex(run.store.description, parts.config.remotePrefix, regression);
    }
    const snapshot = await parts.state.snapshot();
    try {
      const puller = new Puller(parts, run, snapshot, mode, remote, meta?.version ?? null);
      return meta ? await puller.fromIndex(meta.meta) : await puller.discover();
    } catch (error) {
      if (!(error instanceof IndexMoved) || attempt >= MAX_ATTEMPTS) throw unwrapMoved(error);
    }
  }
}

function unwrapMoved(error: unknown): unknown {
  return error instanceof IndexMoved && error.cause !== undefined ? error.cause : error;
}

class Puller {
  /** What the cache is believed to hold: the last sync's record, or nothing for a verifying pull. */
  readonly #local: Map<string, LocalEntry>;
  readonly #dirty: ReadonlySet<string>;
  readonly #isDirty: (rel: string) => boolean;
  readonly #keepLocalChanges: boolean;
  readonly #keepLocalFiles: boolean;
  readonly #pending: PendingVersions;
  readonly #rejected: Rejected[] = [];
  readonly #rebased: RebasedVersion[] = [];
  readonly #notices: string[] = [];
  readonly #changed: string[] = [];
  /** Shards with an entry that was not brought in: not recorded as synced, read again next time. */
  readonly #unsynced = new Set<string>();
  /** Entries not brought in: their shards, under the layout of the meta recorded, are unsynced too. */
  readonly #held = new Set<string>();
  #downloaded = 0;
  #deleted = 0;

  constructor(
    private readonly parts: EngineParts,
    private readonly run: SyncRun,
    private readonly snapshot: Snapshot,
    mode: PullMode,
    private readonly remote: RemoteIndex,
    private readonly metaVersion: string | null,
  ) {
    this.#local = (run.options.verify ? null : snapshot.index) ?? new Map();
    const pending = parts.marks.pending(snapshot.state);
    this.#dirty = pending.paths;
    this.#isDirty = dirtyMatcher(pending.paths);
    this.#keepLocalFiles = run.options.republish === true;
    this.#keepLocalChanges =
      mode.preferLocal || this.#keepLocalFiles || (snapshot.index !== null && pending.bulk);
    this.#pending = new PendingVersions(parts);
  }

  async fromIndex(meta: IndexMeta): Promise<PullResult> {
    const known = this.snapshot.index && !this.run.options.verify ? this.snapshot.state.partitions : {};
    const localByPartition = new UnitEntries(this.#local);
    const entries: EntryMap = new Map();
    const toFetch = [...meta.partitions].filter(([pk, ref]) => known[pk]?.sha256 !== ref.sha256);
    const fetched = new Set(toFetch.map(([pk]) => pk));
    for (const [pk] of meta.partitions) {
      if (fetched.has(pk)) continue;
      for (const [rel, e] of localByPartition.get(pk)) entries.set(rel, entryOf(e));
    }
    const refused: string[] = [];
    let done = 0;
    await slidingWindow(
      toFetch,
      this.parts.config.concurrency.pull,
      async ([pk, ref]) => {
        const shard = await this.#readShard(pk, ref);
        if (shard === null) return;
        for (const [rel, e] of shard.entries) entries.set(rel, e);
        for (const { key, reason } of shard.rejected) {
          this.#rejected.push({ key: this.parts.config.remotePrefix + key, reason });
          refused.push(key);
        }
        if (shard.rejected.length > 0) this.#unsynced.add(pk);
        this.run.progress("index", ++done, toFetch.length);
      },
      this.run.signal,
    );
    for (const rel of refused) if (!entries.has(rel)) this.#hold(rel, entries);
    await this.#refuseConflicts(entries);
    const index = await this.#apply(entries, null);
    await this.#record(index, meta, this.metaVersion);
    return this.#result();
  }

  /** No index in the store: list the namespace, fetch and hash every object, and publish the index if we may. */
  async discover(): Promise<PullResult> {
    const prefix = this.parts.config.remotePrefix;
    const listed: { rel: string; modifiedAt: number }[] = [];
    for await (const info of this.run.store.list(prefix, undefined, this.run.signal)) {
      // A listing that does not say when an object was written records the discovery, as a push records its own time.
      const modifiedAt = info.modifiedAt ?? this.parts.config.clock.now();
      listed.push({ rel: info.key.slice(prefix.length), modifiedAt });
    }
    const wanted = listed.filter(({ rel }) => {
      // Solo mode's listing also holds every namespace's keys: not ours, left out quietly.
      const reason = this.parts.files.check(rel);
      if (reason !== null && !leftOutQuietly(reason)) this.#rejected.push({ key: prefix + rel, reason });
      return reason === null;
    });
    const { state } = this.snapshot;
    if (
      wanted.length === 0 &&
      this.#local.size === 0 &&
      state.metaVersion === null &&
      state.commitSeq === 0
    ) {
      return this.#result();
    }
    const entries: EntryMap = new Map();
    const conflicts = await this.#conflicts(
      wanted.map(({ rel }) => rel),
      wanted.filter(({ rel }) => !this.#local.has(rel)).map(({ rel }) => rel),
    );
    for (const [rel, why] of conflicts) this.#refuse(rel, why, entries);
    const placeable = wanted.filter(({ rel }) => !conflicts.has(rel));
    const bodies = new Map<string, Uint8Array>();
    let done = 0;
    let bytes = 0;
    // The phase starts before its first file lands: a step's figures (-v) begin here, not there.
    if (placeable.length > 0) this.run.progress("download", 0, placeable.length, { bytes });
    await slidingWindow(
      placeable,
      this.parts.config.concurrency.pull,
      async ({ rel, modifiedAt }) => {
        const object = await this.run.store.get(prefix + rel, this.run.signal);
        if (object !== null) {
          const entry = { size: object.body.byteLength, sha256: sha256Hex(object.body), modifiedAt };
          entries.set(rel, entry);
          bodies.set(rel, object.body);
          bytes += entry.size;
        }
        this.run.progress("download", ++done, placeable.length, { bytes });
      },
      this.run.signal,
    );
    const index = await this.#apply(entries, bodies);
    const beforeCommit = this.run.options.beforeCommit;
    if (beforeCommit && index.size > 0) {
      const committed = await commitIndex(this.remote, this.run, this.parts.config, {
        base: null,
        entries: index,
        known: {},
        delta: { upserts: new Map(), deletions: new Map() },
        seenSeq: this.snapshot.state.seenSeq,
        beforeCommit,
        retry: false,
      });
      if (committed === null) throw new IndexMoved("another client published the index meanwhile");
      await this.#record(index, committed.meta, committed.version);
    } else {
      await this.#record(index, null, null);
    }
    return this.#result();
  }

  /**
   * Applies the remote entries to the cache; returns the new local index (the remote view, with
   * local mtimes where the file is known to match). `bodies` holds what discovery already fetched.
   */
  async #apply(remote: EntryMap, bodies: Map<string, Uint8Array> | null): Promise<Map<string, LocalEntry>> {
    const plan = planPull(remote, this.#local, this.#isDirty);
    if (this.#keepLocalFiles) plan.localDeletions = [];
    await this.#rebasePending(remote, plan.downloads);
    const index = new Map<string, LocalEntry>();
    for (const [rel, entry] of remote) {
      const old = this.#local.get(rel);
      index.set(rel, old?.sha256 === entry.sha256 ? old : { ...entry });
    }
    // Deletions first: a file the remote replaced by a folder (or the reverse) is out of the way.
    let done = 0;
    await slidingWindow(
      plan.localDeletions,
      this.parts.config.concurrency.pull,
      async (rel) => {
        await this.#removeLocal(rel);
        this.run.progress("delete", ++done, plan.localDeletions.length);
      },
      this.run.signal,
    );
    done = 0;
    let bytes = 0;
    const bytesTotal = plan.downloads.reduce((sum, rel) => sum + (remote.get(rel)?.size ?? 0), 0);
    if (plan.downloads.length > 0)
      this.run.progress("download", 0, plan.downloads.length, { bytes, bytesTotal });
    await slidingWindow(
      plan.downloads,
      this.parts.config.concurrency.pull,
      async (rel) => {
        const entry = remote.get(rel) as IndexEntry;
        await this.#bringIn(rel, entry, bodies?.get(rel), index);
        bytes += entry.size;
        this.run.progress("download", ++done, plan.downloads.length, { bytes, bytesTotal });
      },
      this.run.signal,
    );
    await this.#pending.refreshLatest(this.#changed.flatMap((rel) => parseVersionFile(rel)?.nameRel ?? []));
    return index;
  }

  /**
   * Pending local versions in the way of remote ones move above the remote's highest version of
   * their name, before anything is downloaded. Only names the remote changed can collide.
   */
  async #rebasePending(remote: EntryMap, downloads: readonly string[]): Promise<void> {
    const names = new Set(downloads.flatMap((rel) => parseVersionFile(rel)?.nameRel ?? []));
    if (names.size === 0) return;
    const held = heldVersions(remote.keys());
    for (const nameRel of names) {
      const numbers = held.get(nameRel) ?? new Set<number>();
      const floor = Math.max(0, ...numbers);
      const moved = await this.#pending.rebase(
        nameRel,
        [remote, this.#local],
        numbers,
        floor,
        this.run.signal,
      );
      this.#rebased.push(...moved);
      for (const { to } of moved) this.#changed.push(`${nameRel}/${to}/${VERSION_METADATA}`);
    }
  }

  async #bringIn(
    rel: string,
    entry: IndexEntry,
    body: Uint8Array | undefined,
    index: Map<string, LocalEntry>,
  ): Promise<void> {
    const target = await this.parts.files.resolve(rel);
    if ("reason" in target) {
      this.#refuse(rel, target.reason, index);
      return;
    }
    const local = target.file;
    if (local === null && body === undefined && this.#leftInStore(rel)) {
      index.set(rel, { ...entry, remoteOnly: true });
      return;
    }
    if (local !== null) {
      const sha = await hashFile(target.path);
      if (sha === entry.sha256) {
        index.set(rel, { ...entry, localMtimeMs: local.mtimeMs });
        // Brought in by a pull that did not finish: its readers (the catalog) have not heard yet.
        // Judged against the last sync's record, which a verifying pull distrusts but still has.
        if (this.snapshot.index?.get(rel)?.sha256 !== sha) this.#changed.push(rel);
        return;
      }
      // A version file that differs from both the remote and the last sync is a pending version
      // the rebase could not move: it stays, and the push's create-only write settles it.
      const keep = this.#keepLocalChanges || parseVersionFile(rel) !== null;
      if (keep && this.#local.get(rel)?.sha256 !== sha) return;
    }
    const key = this.parts.config.remotePrefix + rel;
    const bytes = body ?? (await this.run.store.get(key, this.run.signal))?.body;
    if (bytes === undefined) {
      this.#refuse(rel, "listed in the index but missing from the store", index);
      return;
    }
    const sha = body ? entry.sha256 : sha256Hex(bytes);
    const drifted = sha !== entry.sha256;
    if (drifted) {
      // Overwritten by a push that never committed (its writer crashed or lost its lease). Unless
      // the index moved meanwhile (a race: pull again), the bucket's bytes are what there is:
      // take them, and mark the path so the next push under a lease commits the index to match.
      await this.#raceCheck();
      this.#notices.push(
        `${key} on ${this.run.store.description} did not match the index (an interrupted push overwrote it); took the stored bytes, the next push re-commits the index.`,
      );
    }
    this.run.signal.throwIfAborted();
    const written = await this.parts.files
      .writeAtomic(target.path, bytes, this.run.signal)
      .catch((error: unknown) => unplaceable(error) ?? Promise.reject(error));
    if (typeof written === "string") {
      this.#refuse(rel, written, index);
      return;
    }
    // A drifted file is recorded as the index has it (with no mtime, so no fast path can skip
    // it): the push then sees bytes that differ from the entry and commits them.
    index.set(rel, { ...entry, localMtimeMs: drifted ? -1 : written.mtimeMs });
    if (drifted) this.parts.marks.mark(rel);
    this.#downloaded++;
    this.#changed.push(rel);
  }

  /** A lazy cache leaves version content in the store until something reads it (docs/architecture.md, "Lazy hydration"). */
  #leftInStore(rel: string): boolean {
    return this.parts.config.hydration === "lazy" && contentMetadataOf(rel) !== null;
  }

  async #removeLocal(rel: string): Promise<void> {
    const target = await this.parts.files.resolve(rel);
    if ("reason" in target) return;
    if (target.file === null) return;
    // Never a pending version, and never a local change waiting to be pushed.
    const keep = this.#keepLocalChanges || parseVersionFile(rel) !== null;
    if (keep && (await hashFile(target.path)) !== this.#local.get(rel)?.sha256) return;
    this.run.signal.throwIfAborted();
    await this.parts.files.remove(target.path);
    this.#deleted++;
    this.#changed.push(rel);
  }

  /**
   * A shard of the meta. Missing or unreadable, it stops the pull, except in a republish, where
   * its partition is rebuilt from this cache by the push that follows.
   */
  async #readShard(
    pk: string,
    ref: PartitionRef,
  ): Promise<{ entries: EntryMap; rejected: Rejected[] } | null> {
    const prefix = this.parts.config.remotePrefix;
    const shard = await this.remote.readShard(pk, ref, this.run.signal).catch((error: unknown) => {
      if (this.#keepLocalFiles && error instanceof SwampError) return null;
      throw error;
    });
    if (shard !== null) return shard;
    if (this.#keepLocalFiles) {
      this.#notices.push(
        `The index shard ${prefix}${ref.key} is missing or unreadable; its partition is rebuilt from this cache.`,
      );
      return { entries: new Map(), rejected: [] };
    }
    await this.#raceCheck(
      new SwampError(
        "sync_failed",
        `The index names the shard ${prefix}${ref.key}, which is missing from the store. Nothing was changed. Run 'swamp datastore sync --republish' to rebuild the index from the store and this cache (it never deletes or overwrites anything in the store).`,
      ),
    );
    return null;
  }

  /** A surprise is a race when the meta moved since we read it: the pull starts over. Else `error`, if any, stands. */
  async #raceCheck(error?: SwampError): Promise<void> {
    const now = await this.remote.readMeta(this.run.signal).catch(() => null);
    const moved = (now?.version ?? null) !== this.metaVersion;
    if (moved) throw new IndexMoved(error?.message ?? "the index moved during the pull", { cause: error });
    if (error) throw error;
  }

  async #record(
    index: Map<string, LocalEntry>,
    meta: IndexMeta | null,
    metaVersion: string | null,
  ): Promise<void> {
    this.run.signal.throwIfAborted();
    const layout = layoutOf(meta?.partitions.keys() ?? []);
    const id = await this.parts.state.writeIndex(index, layout);
    this.run.signal.throwIfAborted();
    const now = new Date(this.parts.config.clock.now()).toISOString();
    for (const rel of this.#held) this.#unsynced.add(unitOf(rel, layout));
    this.parts.state.update((state) => {
      state.commitSeq = meta?.commitSeq ?? 0;
      state.seenSeq = Math.max(state.seenSeq, state.commitSeq);
      state.metaVersion = metaVersion;
      state.partitions = Object.fromEntries(
        [...(meta?.partitions ?? [])].map(([pk, ref]) => [
          pk,
          { key: ref.key, sha256: this.#unsynced.has(pk) ? "" : ref.sha256 },
        ]),
      );
      state.indexId = id;
      state.lastPullAt = now;
    });
    this.parts.lastMeta = meta && metaVersion !== null ? { meta, version: metaVersion } : undefined;
  }

  /**
   * Entries that cannot all be files in this cache (docs/architecture.md, "Keys that cannot be
   * placed"): one that another needs as a folder, and on a case-insensitive disk two spellings of
   * one name. What the cache holds or changed keeps its place.
   */
  async #conflicts(remote: readonly string[], incoming: readonly string[]): Promise<Map<string, string>> {
    if (incoming.length === 0) return new Map();
    const fold = (await this.parts.files.caseInsensitive()) ? foldCase : undefined;
    // On a case-sensitive disk the cache's own files are checked where they lie (CacheFiles.resolve):
    // only what comes in can clash unseen, so a pull costs what it brings, not the whole index.
    const held = fold ? remote.filter((rel) => this.#local.has(rel)) : [];
    return pathConflicts({ held, touched: this.#dirty, wanted: incoming }, fold);
  }

  /** Refuses the entries new or changed since the last sync that clash (see #conflicts). */
  async #refuseConflicts(entries: EntryMap): Promise<void> {
    const remote = [...entries.keys()];
    const incoming = remote.filter((rel) => this.#local.get(rel)?.sha256 !== entries.get(rel)?.sha256);
    for (const [rel, why] of await this.#conflicts(remote, incoming)) this.#refuse(rel, why, entries);
  }

  /** Reports an entry that was not brought in, and holds it (see #hold). */
  #refuse(rel: string, reason: string, entries: Map<string, IndexEntry>): void {
    this.#rejected.push({ key: this.parts.config.remotePrefix + rel, reason });
    this.#hold(rel, entries);
  }

  /**
   * An entry not brought in stays as the cache has it: the copy the last sync recorded (neither
   * deleted nor replaced), or nothing; and its partition is not recorded as synced, so the next
   * pull tries again (and heals once the store is fixed).
   */
  #hold(rel: string, entries: Map<string, IndexEntry>): void {
    const old = this.#local.get(rel);
    if (old) entries.set(rel, old);
    else entries.delete(rel);
    this.#held.add(rel);
  }

  #result(): PullResult {
    return {
      downloaded: this.#downloaded,
      deleted: this.#deleted,
      changed: this.#changed.sort(),
      rejected: this.#rejected,
      notices: this.#notices,
      rebased: this.#rebased,
      requests: this.run.store.total(),
    };
  }
}

function entryOf(e: IndexEntry): IndexEntry {
  return { size: e.size, sha256: e.sha256, modifiedAt: e.modifiedAt };
}
