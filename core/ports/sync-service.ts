/**
 * Keeps a local cache (the datastore tier of a remote store) and the bucket in agreement
 * (DESIGN "Sync", SPEC §5). One engine implements it over any ObjectStore.
 */
export interface SyncProgress {
  phase: "index" | "download" | "upload" | "delete" | "commit";
  done: number;
  total: number;
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

export interface SyncService {
  pullChanged(options?: SyncOptions): Promise<PullResult>;
  pushChanged(options?: SyncOptions): Promise<PushResult>;
  /**
   * Records, before a cache mutation, that `relPath` (cache-relative, forward slashes) will change;
   * null means "anything may have changed" (the next push walks everything). Cheap, idempotent,
   * persisted before it returns so that a crash leaves the cache dirty.
   */
  markDirty(relPath: string | null): void;
  status(): Promise<SyncStatus>;
}
