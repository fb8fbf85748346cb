import {
  encodeLockBody,
  isFreeBody,
  judgeLease,
  newLockInfo,
  nextBackoff,
  nextEpoch,
} from "../../core/lease-rules.ts";
import type { Clock, Random } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { AcquireOptions, Lease, Lock, LockInfo, LockState } from "../../core/ports/lock.ts";
import type { ObjectInfo, ObjectStore, Precondition, StoredObject } from "../../core/ports/object-store.ts";
import { ActiveLease } from "./active-lease.ts";
import { interruptedError, lockTimeoutError } from "./lock-errors.ts";
import { freeLockBody, type LockObject, readLockObject, versionIfOurs } from "./lock-object.ts";

export interface LeaseLockOptions {
  store: ObjectStore;
  key: string;
  clock: Clock;
  host: Host;
  random: Random;
  ttlMs?: number;
  retryIntervalMs?: number;
  /** The command that clears this lock by hand, named in timeout messages. */
  releaseCommand?: string;
}

export const DEFAULT_LOCK_TTL_MS = 30_000;
export const DEFAULT_LOCK_WAIT_MS = 60_000;

/** After this many lost races in a row, back off as if the lock were held. */
const MAX_RACES_WITHOUT_BACKOFF = 3;

/**
 * The one lease algorithm, over any ObjectStore. The lock object is persistent: a free lock
 * is `{free, epoch, releasedAt}`, a held one the LockInfo. Every write is conditional on the
 * version just read, so there is no read-then-write window: creating, taking over exactly the
 * version judged stale, renewing, and releasing only a body that carries our nonce.
 */
export class LeaseLock implements Lock {
  readonly key: string;
  readonly ttlMs: number;
  readonly retryIntervalMs: number;
  readonly #releaseCommand: string | undefined;
  readonly #store: ObjectStore;
  readonly #clock: Clock;
  readonly #host: Host;
  readonly #random: Random;

  constructor(options: LeaseLockOptions) {
    this.key = options.key;
    this.ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
    this.retryIntervalMs = options.retryIntervalMs ?? 1000;
    this.#releaseCommand = options.releaseCommand;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#host = options.host;
    this.#random = options.random;
  }

  async inspect(signal?: AbortSignal): Promise<LockState | null> {
    const current = await readLockObject(this.#store, this.key, signal);
    return current ? this.#stateOf(current, signal) : null;
  }

  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    const { signal } = options;
    const maxWaitMs = options.maxWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    const started = this.#clock.now();
    const nonce = this.#host.uuid();
    let waits = 0;
    let races = 0;
    let holder: LockState | null = null;
    for (;;) {
      if (signal?.aborted) throw interruptedError(this.key);
      const current = await this.#interruptible(signal, () => readLockObject(this.#store, this.key, signal));
      const state = current ? await this.#interruptible(signal, () => this.#stateOf(current, signal)) : null;
      if ((!state || state.stale) && races < MAX_RACES_WITHOUT_BACKOFF) {
        const info = newLockInfo({
          host: this.#host,
          nonce,
          now: this.#clock.now(),
          ttlMs: this.ttlMs,
          epoch: nextEpoch(current?.body ?? null),
          ...(options.operation === undefined ? {} : { operation: options.operation }),
        });
        const when: Precondition = current ? { version: current.object.version } : { absent: true };
        const version = await this.#claim(info, when);
        if (version) return this.#hold(info, version, signal);
        races++;
        continue;
      }
      races = 0;
      holder = state ?? holder;
      const waited = this.#clock.now() - started;
      const remaining = maxWaitMs - waited;
      if (remaining <= 0) throw lockTimeoutError(this.key, holder, waited, this.#releaseCommand);
      const delay = Math.min(nextBackoff(waits++, this.retryIntervalMs, this.#random), remaining);
      await this.#interruptible(signal, () => this.#clock.sleep(delay, signal));
    }
  }

  async forceRelease(nonce: string): Promise<boolean> {
    // A live holder's heartbeat may change the version under us; retry while the nonce matches.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await readLockObject(this.#store, this.key);
      if (!current || nonceOf(current) !== nonce) return false;
      const epoch = current.body === "corrupt" || isFreeBody(current.body) ? 0 : current.body.epoch;
      const result = await this.#store.put(this.key, freeLockBody(epoch, this.#clock.now()), {
        version: current.object.version,
      });
      if (result.ok) return true;
      if (result.reason === "missing") return false;
    }
    return false;
  }

  async withLock<T>(fn: (lease: Lease) => Promise<T>, options?: AcquireOptions): Promise<T> {
    const lease = await this.acquire(options);
    try {
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }

  /** Writes our LockInfo under `when`; the new version when the lease is ours, else null. */
  async #claim(info: LockInfo, when: Precondition): Promise<string | null> {
    const body = encodeLockBody(info);
    try {
      const result = await this.#store.put(this.key, body, when);
      if (result.ok) return result.version;
    } catch (error) {
      const ours = await versionIfOurs(this.#store, this.key, info.nonce).catch(() => null);
      if (ours) return ours;
      throw error;
    }
    return versionIfOurs(this.#store, this.key, info.nonce);
  }

  async #hold(info: LockInfo, version: string, signal?: AbortSignal): Promise<Lease> {
    const lease = new ActiveLease({ store: this.#store, clock: this.#clock, key: this.key }, info, version);
    if (signal?.aborted) {
      await lease.release();
      throw interruptedError(this.key);
    }
    return lease;
  }

  /**
   * The lease as a reader judges it. An answer without a modification time is asked again as
   * metadata (a HEAD); if that says nothing about this version either, the age stays unknown
   * and the lease counts as fresh (docs/architecture.md, "Leases").
   */
  async #stateOf(current: LockObject, signal?: AbortSignal): Promise<LockState | null> {
    const { object, body } = current;
    if (body !== "corrupt" && isFreeBody(body)) return null;
    const timed = object.modifiedAt === undefined ? await this.#timeOf(object, signal) : object;
    const info = body === "corrupt" ? this.#corruptInfo(object.version, timed.modifiedAt) : body;
    const judgement = judgeLease(
      body === "corrupt" ? null : body,
      timed.modifiedAt,
      timed.serverNow,
      this.ttlMs,
      this.#host,
    );
    const state: LockState = {
      key: this.key,
      info,
      expiresInMs: judgement.expiresInMs,
      stale: judgement.stale,
    };
    if (judgement.ageMs !== undefined) state.ageMs = judgement.ageMs;
    if (judgement.reason) state.staleReason = judgement.reason;
    if (body === "corrupt") state.corrupt = true;
    return state;
  }

  async #timeOf(
    object: StoredObject,
    signal?: AbortSignal,
  ): Promise<Pick<ObjectInfo, "modifiedAt" | "serverNow">> {
    const head = await this.#store.head(this.key, signal);
    return head && head.version === object.version ? head : object;
  }

  #corruptInfo(version: string, modifiedAt: number | undefined): LockInfo {
    const writtenAt = modifiedAt === undefined ? "unknown" : new Date(modifiedAt).toISOString();
    return {
      holder: "unknown (corrupt lock object)",
      hostname: "",
      pid: 0,
      acquiredAt: writtenAt,
      renewedAt: writtenAt,
      ttlMs: this.ttlMs,
      nonce: corruptNonce(version),
      epoch: 0,
    };
  }

  async #interruptible<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw interruptedError(this.key);
      throw error;
    }
  }
}

function corruptNonce(version: string): string {
  return `corrupt:${version}`;
}

function nonceOf({ object, body }: LockObject): string | null {
  if (body === "corrupt") return corruptNonce(object.version);
  return isFreeBody(body) ? null : body.nonce;
}
