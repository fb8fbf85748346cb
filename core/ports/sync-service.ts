import type { KnownIndex } from "../sync/index-progress.ts";

/**
 * Keeps a local cache (the datastore tier of a remote store) and the bucket in agreement
 * (docs/architecture.md, "Sync"). One engine implements it over any ObjectStore.
 */
export interface SyncProgress {
  /** `copy` is a `datastore setup` or namespace move (docs/architecture.md, "Migration"). */
  phase: "index" | "download" | "upload" | "delete" | "commit" | "copy";
  /** Items of this phase done so far, of `total`; each run of a phase counts from 0 again. */
  done: number;
  total: number;
  /** Bytes moved so far by this run of the phase, where the engine knows them. */
  bytes?: number;
  /** The bytes this run of the phase moves in all, where known in advance. */
  bytesTotal?: number;
}

/**
 * A pending version (written in this cache, never committed) moved to a new number because
 * another clone committed its number first (docs/architecture.md, "Pending versions").
 */
export interface RebasedVersion {
  type: string;
  id: string;
  name: string;
  from: number;
  to: number;
}

export interface SyncOptions {
  /** Aborts at the command's deadline, on Ctrl-C, or when the lease behind the sync is lost. */
  signal?: AbortSignal;
  /** The deadline behind `signal`, in ms, so a timeout message can say how long it waited. */
  timeoutMs?: number;
  onProgress?: (progress: SyncProgress) => void;
  /** Called once before the index commit, with the sync's signal; throws if the caller's lease is gone (fencing). */
  beforeCommit?: (signal: AbortSignal) => Promise<void>;
  /**
   * Publish this cache again over a damaged, replaced or emptied index: a pull that deletes no
   * local file and accepts an index that went back, and a push of everything the index lacks
   * that deletes nothing remotely. Versions are still never overwritten.
   */
  republish?: boolean;
  /**
   * A pull that distrusts the record of the last sync: every shard is read and every file the
   * index lists is compared with the cache, byte for byte. Files that differ are brought in again,
   * except local changes waiting to be pushed and version files (a version file that differs is
   * pending, never overwritten). Nothing local is deleted.
   */
  verify?: boolean;
}

export interface PullResult {
  /** Files downloaded into the cache. */
  downloaded: number;
  /** Local files removed because they were deleted remotely (and not changed locally). */
  deleted: number;
  /** Cache-relative paths whose content changed (downloaded or deleted). */
  changed: string[];
  /** Remote entries refused because their key is unsafe (outside the cache, absolute, `..`). */
  rejected: { key: string; reason: string }[];
  /** Things the user should know that did not stop the pull (e.g. a file repaired from the bucket). */
  notices?: string[];
  /** Pending local versions renumbered above what the remote holds. */
  rebased: RebasedVersion[];
  /** Requests made to the store. */
  requests: number;
}

export interface PushResult {
  uploaded: number;
  deleted: number;
  /** Pending versions renumbered because their number was taken in the store meanwhile. */
  rebased: RebasedVersion[];
  requests: number;
  /** Objects removed from the index whose delete failed (left in the store, listed nowhere). */
  orphaned?: number;
}

export interface HydrateResult {
  /** Files fetched into the cache. */
  fetched: number;
  /** Files that could not be fetched, with why (not in the index, missing from the store, bytes that differ). */
  failed: { path: string; reason: string }[];
  requests: number;
}

export interface SyncStatus {
  /** Paths changed locally and not yet pushed. */
  pendingPaths: number;
  /** A bulk change is pending: the next push walks the whole cache. */
  pendingBulk: boolean;
  lastPullAt?: string;
  lastPushAt?: string;
  /** The remote index's commit sequence as of the last sync. */
  commitSeq?: number;
}

/**
 * The cache as it is against the record of its last sync, every file hashed (for `swamp doctor`):
 * the engine's view of what the store holds, and what is really on disk.
 */
export interface CacheInspection {
  /** What the cache was last synced to, path → sha256; null when there is no trusted record (never synced, or it was lost). */
  synced: ReadonlyMap<string, string> | null;
  /** The commitSeq and partitions of that sync: an index behind them is damage. */
  known: KnownIndex;
  /** Paths changed here and not pushed yet; with `bulk`, anything may have changed (the next push walks everything). */
  pending: { paths: readonly string[]; bulk: boolean };
  /** Every syncable file in the cache, path → sha256. */
  files: ReadonlyMap<string, string>;
  /** Paths not looked into because they are symlinks: what they hide proves nothing. */
  shielded: readonly string[];
}

export interface SyncService {
  pullChanged(options?: SyncOptions): Promise<PullResult>;
  pushChanged(options?: SyncOptions): Promise<PushResult>;
  /**
   * Records, before a cache mutation, that `relPath` (cache-relative, forward slashes) will change;
   * null means "anything may have changed" (the next push walks everything). Cheap, idempotent,
   * persisted before it returns so that a crash leaves the cache dirty.
   */
  markDirty(relPath: string | null): void;
  /**
   * Fetches into the cache files the last sync's index names and the cache lacks: `paths`
   * (cache-relative), or every version content a lazy pull left in the store when null
   * (docs/architecture.md, "Lazy hydration"). Checked against the index, written atomically;
   * files already in the cache are left as they are. Takes no lease.
   */
  hydrate(paths: readonly string[] | null, options?: SyncOptions): Promise<HydrateResult>;
  status(): Promise<SyncStatus>;
  /** Reads and hashes the whole cache; changes nothing. */
  inspectCache(signal?: AbortSignal): Promise<CacheInspection>;
}
