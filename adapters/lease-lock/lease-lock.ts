import { anySignal, startDeadline } from "../../core/deadline.ts";
import {
  encodeLockBody,
  isFreeBody,
  judgeLease,
  type LockBody,
  newLockInfo,
  nextBackoff,
  nextEpoch,
} from "../../core/lease-rules.ts";
import type { Clock, Random } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { AcquireOptions, Lease, Lock, LockInfo, LockState } from "../../core/ports/lock.ts";
import type { ObjectInfo, ObjectStore, Precondition, StoredObject } from "../../core/ports/object-store.ts";
import { LEASE_RELEASE_BUDGET, leaseWaitBudget } from "../../core/tunables.ts";
import { ActiveLease } from "./active-lease.ts";
import { type LeaseWhere, recordLeftBehind, releasingAllLeases, trackLeaseWork } from "./held-leases.ts";
import type { LeaseJournal } from "./lease-journal.ts";
import {
  interruptedError,
  leftBehindMessage,
  lockTimeoutError,
  lockUnansweredError,
  RELEASE_COMMAND,
  waitStopped,
} from "./lock-errors.ts";
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
  /** Where this machine notes the leases it takes, so a killed command's lease is freed later. */
  journal?: LeaseJournal;
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
  readonly #journal: LeaseJournal | undefined;

  constructor(options: LeaseLockOptions) {
    this.key = options.key;
    this.ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
    this.retryIntervalMs = options.retryIntervalMs ?? 1000;
    this.#releaseCommand = options.releaseCommand;
    this.#store = options.store;
    this.#clock = options.clock;
    this.#host = options.host;
    this.#random = options.random;
    this.#journal = options.journal;
  }

  async inspect(signal?: AbortSignal): Promise<LockState | null> {
    const current = await readLockObject(this.#store, this.key, signal);
    return current ? this.#stateOf(current, signal) : null;
  }

  /**
   * Waits at most `maxWaitMs` in all, its requests and their retries included: a deadline aborts
   * whatever is in flight when it runs out (docs/architecture.md, "Deadlines"). 0 tries once.
   */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    const maxWaitMs = options.maxWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    const deadline = maxWaitMs > 0 ? startDeadline(this.#clock, leaseWaitBudget(maxWaitMs)) : undefined;
    try {
      return await this.#acquire(options, maxWaitMs, deadline?.signal);
    } finally {
      deadline?.dispose();
    }
  }

  async #acquire(
    options: AcquireOptions,
    maxWaitMs: number,
    deadline: AbortSignal | undefined,
  ): Promise<Lease> {
    const signal = anySignal(options.signal, deadline);
    const started = this.#clock.now();
    const nonce = this.#host.uuid();
    let waits = 0;
    let races = 0;
    let holder: LockState | null = null;
    // The lock object this machine freed last: tried once, without reading it (see #look).
    let freed = (await this.#journal?.freed?.(this.#store.description, this.key)) ?? null;
    const stopped = (error: unknown) =>
      waitStopped(signal, error, this.key, (ran) =>
        holder
          ? lockTimeoutError(this.key, holder, this.#clock.now() - started, this.#releaseCommand)
          : lockUnansweredError(this.key, this.#store.description, ran),
      );
    for (;;) {
      if (signal.aborted) throw stopped(undefined);
      let state: LockState | null;
      let version: string | null;
      let previous: LockBody | "corrupt" | null;
      if (freed) {
        // Free at this version when this machine freed it, and only then will the write land.
        ({ version, previous, state } = {
          version: freed.version,
          previous: freedBody(freed.epoch),
          state: null,
        });
        freed = null;
      } else {
        try {
          const current = await readLockObject(this.#store, this.key, signal);
          state = current ? await this.#stateOf(current, signal) : null;
          version = current?.object.version ?? null;
          previous = current?.body ?? null;
        } catch (error) {
          throw stopped(error);
        }
      }
      if ((!state || state.stale) && races < MAX_RACES_WITHOUT_BACKOFF) {
        const info = newLockInfo({
          host: this.#host,
          nonce,
          now: this.#clock.now(),
          ttlMs: this.ttlMs,
          epoch: nextEpoch(previous),
          ...(options.operation === undefined ? {} : { operation: options.operation }),
        });
        const when: Precondition = version !== null ? { version } : { absent: true };
        // Noted before the write: a command killed while it lands still leaves a trace to free it by.
        await this.#journal?.record(this.key, nonce);
        const lease = await trackLeaseWork(
          this.#where,
          this.#take(info, when, deadline, signal, stopped),
        ).catch((error: unknown) => {
          throw stopped(error);
        });
        if (lease) return lease;
        races++;
        continue;
      }
      races = 0;
      holder = state ?? holder;
      if (state && !state.stale) options.onHeld?.(state);
      const waited = this.#clock.now() - started;
      const remaining = maxWaitMs - waited;
      if (remaining <= 0) throw lockTimeoutError(this.key, holder, waited, this.#releaseCommand);
      const delay = Math.min(nextBackoff(waits++, this.retryIntervalMs, this.#random), remaining);
      await this.#clock.sleep(delay, signal).catch((error: unknown) => {
        throw stopped(error);
      });
    }
  }

  async forceRelease(nonce: string, signal?: AbortSignal): Promise<boolean> {
    // A live holder's heartbeat may change the version under us; retry while the nonce matches.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await readLockObject(this.#store, this.key, signal);
      if (!current || nonceOf(current) !== nonce) return false;
      const epoch = current.body === "corrupt" || isFreeBody(current.body) ? 0 : current.body.epoch;
      const result = await this.#store.put(
        this.key,
        freeLockBody(epoch, this.#clock.now()),
        { version: current.object.version },
        signal,
      );
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

  /**
   * Writes our LockInfo under `when` and holds the lease if it is ours; null when another writer
   * won. The write is not stopped by an interrupt, only by the deadline: its outcome must be
   * known, so that a lease it created is released rather than left behind.
   */
  async #take(
    info: LockInfo,
    when: Precondition,
    deadline: AbortSignal | undefined,
    signal: AbortSignal,
    stopped: (error: unknown) => unknown,
  ): Promise<Lease | null> {
    const version = await this.#claim(info, when, deadline);
    if (!version) return null;
    const lease = new ActiveLease(
      {
        store: this.#store,
        clock: this.#clock,
        key: this.key,
        releaseCommand: this.#releaseCommandOrDefault,
        ...(this.#journal ? { journal: this.#journal } : {}),
      },
      info,
      version,
    );
    if (signal.aborted || releasingAllLeases()) {
      await lease.release();
      throw stopped(interruptedError(this.key));
    }
    return lease;
  }

  /** The new version when the lease is ours, else null. A write that failed may still have landed. */
  async #claim(
    info: LockInfo,
    when: Precondition,
    deadline: AbortSignal | undefined,
  ): Promise<string | null> {
    const body = encodeLockBody(info);
    try {
      const result = await this.#store.put(this.key, body, when, deadline);
      if (result.ok) return result.version;
    } catch (error) {
      const ours = await this.#ifLanded(info.nonce);
      if (ours) return ours;
      throw error;
    }
    return versionIfOurs(this.#store, this.key, info.nonce, deadline);
  }

  /** After a failed lock write: its version if it landed anyway, looked up within a short deadline. */
  async #ifLanded(nonce: string): Promise<string | null> {
    const deadline = startDeadline(this.#clock, LEASE_RELEASE_BUDGET);
    try {
      return await versionIfOurs(this.#store, this.key, nonce, deadline.signal);
    } catch {
      recordLeftBehind(
        this.key,
        leftBehindMessage(
          this.#where,
          "a lock write was cut off and the store did not say whether it landed",
        ),
      );
      return null;
    } finally {
      deadline.dispose();
    }
  }

  get #releaseCommandOrDefault(): string {
    return this.#releaseCommand ?? RELEASE_COMMAND;
  }

  get #where(): LeaseWhere {
    return {
      key: this.key,
      store: this.#store.description,
      ttlMs: this.ttlMs,
      releaseCommand: this.#releaseCommandOrDefault,
    };
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
}

/** The body this machine wrote when it freed the lock (its time does not matter to the next epoch). */
function freedBody(epoch: number): LockBody {
  return { free: true, epoch, releasedAt: "" };
}

function corruptNonce(version: string): string {
  return `corrupt:${version}`;
}

function nonceOf({ object, body }: LockObject): string | null {
  if (body === "corrupt") return corruptNonce(object.version);
  return isFreeBody(body) ? null : body.nonce;
}
