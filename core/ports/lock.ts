import type { ModelKey } from "../data-record.ts";

/**
 * What a lease object holds (docs/architecture.md, "Datastore tree"), with its fencing epoch.
 * Serialized as 2-space JSON.
 */
export interface LockInfo {
  /** `<user>@<hostname>` */
  holder: string;
  hostname: string;
  pid: number;
  /** ISO time this holder acquired the lease (not refreshed by heartbeats). */
  acquiredAt: string;
  /** ISO time of the last successful heartbeat (equals acquiredAt right after acquisition). */
  renewedAt: string;
  ttlMs: number;
  /** Unique per acquisition; release and forceRelease check it. */
  nonce: string;
  /** Fencing token: strictly increases with every acquisition of this key. */
  epoch: number;
  /** What the holder is doing, e.g. `data put`. */
  operation?: string;
}

/** The lease as an inspector sees it, judged on the store's clock. */
export interface LockState {
  key: string;
  info: LockInfo;
  /** How long ago (store time) the lease object was last written; absent when the store did not say. */
  ageMs?: number;
  /** Time left before others may take it over; 0 when stale. */
  expiresInMs: number;
  stale: boolean;
  /** Why it is stale, when it is. */
  staleReason?: "expired" | "holder_dead";
  /**
   * The lock object is unreadable. `info` then holds placeholders and `info.nonce` is
   * `corrupt:<version>`, which `forceRelease` accepts to clear it.
   */
  corrupt?: true;
}

export interface AcquireOptions {
  /** Overall wait budget, requests included (SWAMP_LOCK_TIMEOUT_MS, default 60 000); 0 tries once. */
  maxWaitMs?: number;
  signal?: AbortSignal;
  operation?: string;
  /** Told each time the lease is found held by someone else (live), before waiting again. */
  onHeld?: (holder: LockState) => void;
}

/** A held lease. `signal` aborts when the lease is lost (self-revocation) or released. */
export interface Lease {
  readonly key: string;
  readonly info: LockInfo;
  readonly signal: AbortSignal;
  /** Throws `lock_lost` if the lease is no longer ours; writers call it before committing. */
  assertHeld(): void;
  /**
   * Nonce-checked; idempotent; never deletes a successor's lease; never throws. Gives up after a
   * short deadline of its own; a lease it could not free is reported (adapters: held-leases.ts).
   */
  release(): Promise<void>;
}

export interface Lock {
  readonly key: string;
  /** Retries with jittered backoff until `maxWaitMs`; throws SwampError("lock_timeout") naming the holder. */
  acquire(options?: AcquireOptions): Promise<Lease>;
  /** No side effects. Null when free. */
  inspect(signal?: AbortSignal): Promise<LockState | null>;
  /** Frees the lease only if it still carries `nonce`. True when it was freed. */
  forceRelease(nonce: string, signal?: AbortSignal): Promise<boolean>;
  /** Acquires, runs `fn` with the lease, and always releases. */
  withLock<T>(fn: (lease: Lease) => Promise<T>, options?: AcquireOptions): Promise<T>;
}

/** What one wait for leases is for, and what stops it. */
export interface LockScope {
  operation?: string;
  signal?: AbortSignal;
}

/** Reads a lease as the store holds it now. */
export interface LeaseInspector {
  /** The lease under `key`, judged on the store's clock; null when free. No side effects. */
  inspect(key: string, signal?: AbortSignal): Promise<LockState | null>;
}

/**
 * The two kinds of lease over one datastore (docs/architecture.md, "Leases"): the global lease of
 * structural commands and the per-model leases of writers. Each call waits within one deadline
 * (the lease wait) and always releases what it took.
 */
export interface LeaseCoordinator extends LeaseInspector {
  /** Drains the per-model leases, takes the global lease, drains again; runs `fn`; releases. */
  withStructural<T>(fn: (lease: Lease) => Promise<T>, scope?: LockScope): Promise<T>;
  /**
   * Waits for the global lease to be free, takes the models' leases in sorted order (starting
   * over if the global lease was taken meanwhile); runs `fn` with a signal that aborts when one
   * is lost or the scope's signal aborts; releases.
   */
  withModels<T>(
    models: ModelKey[],
    fn: (signal: AbortSignal, leases: Lease[]) => Promise<T>,
    scope?: LockScope,
  ): Promise<T>;
}
