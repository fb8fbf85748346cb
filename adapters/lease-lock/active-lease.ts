import { DeadlineExceeded, formatSeconds, startDeadline } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import { encodeLockBody, isFreeBody } from "../../core/lease-rules.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Lease, LockInfo } from "../../core/ports/lock.ts";
import type { ObjectStore, WriteResult } from "../../core/ports/object-store.ts";
import { LEASE_RELEASE_BUDGET } from "../../core/tunables.ts";
import {
  type LeaseWhere,
  recordLeftBehind,
  registerLease,
  trackLeaseWork,
  unregisterLease,
} from "./held-leases.ts";
import type { LeaseJournal } from "./lease-journal.ts";
import { leftBehindMessage, lockLostError } from "./lock-errors.ts";
import { freeLockBody, readLockObject, versionIfOurs } from "./lock-object.ts";

export interface ActiveLeaseDeps {
  store: ObjectStore;
  clock: Clock;
  key: string;
  /** The command that frees this lease by hand, for the message when a release fails. */
  releaseCommand: string;
  /** Forgets the lease once it is free (see lease-journal.ts). */
  journal?: LeaseJournal;
}

/** Tries of a release: a heartbeat that lands under it changes the version once. */
const RELEASE_TRIES = 3;

/**
 * A held lease: renews itself every ttl/3 with a write conditional on the version it last
 * wrote, and revokes itself (aborting `signal`) as soon as that fails or renewals stall
 * for 2/3 of the ttl, i.e. before anyone else may take it over.
 */
export class ActiveLease implements Lease {
  readonly key: string;
  readonly #deps: ActiveLeaseDeps;
  readonly #controller = new AbortController();
  readonly #stopHeartbeat: () => void;
  readonly #intervalMs: number;
  #info: LockInfo;
  #version: string;
  #lastRenewal: number;
  #beat: Promise<void> | null = null;
  #released: Promise<void> | null = null;

  constructor(deps: ActiveLeaseDeps, info: LockInfo, version: string) {
    this.#deps = deps;
    this.key = deps.key;
    this.#info = info;
    this.#version = version;
    this.#lastRenewal = deps.clock.now();
    this.#intervalMs = Math.max(1, Math.floor(info.ttlMs / 3));
    this.#stopHeartbeat = deps.clock.every(this.#intervalMs, () => this.#tick());
    registerLease(this, this.#where);
  }

  get #where(): LeaseWhere {
    const { key, store, releaseCommand } = this.#deps;
    return { key, store: store.description, ttlMs: this.#info.ttlMs, releaseCommand };
  }

  get info(): LockInfo {
    return this.#info;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  assertHeld(): void {
    if (this.signal.aborted) throw this.signal.reason;
  }

  release(): Promise<void> {
    this.#released ??= trackLeaseWork(this.#where, this.#release());
    return this.#released;
  }

  #tick(): void {
    if (this.signal.aborted) return;
    const silentMs = this.#deps.clock.now() - this.#lastRenewal;
    if (silentMs >= this.#info.ttlMs - this.#intervalMs) {
      this.#revoke(`it could not be renewed for ${silentMs}ms (is the datastore reachable?)`);
      return;
    }
    this.#beat ??= this.#renew().finally(() => {
      this.#beat = null;
    });
  }

  async #renew(): Promise<void> {
    const { store, clock, key } = this.#deps;
    const info = { ...this.#info, renewedAt: new Date(clock.now()).toISOString() };
    let result: WriteResult;
    try {
      result = await store.put(key, encodeLockBody(info), { version: this.#version }, this.signal);
    } catch {
      return; // transport error: the next tick tries again, and #tick revokes if it goes on
    }
    if (result.ok) {
      this.#adopt(info, result.version);
      return;
    }
    const ours = await versionIfOurs(store, key, info.nonce, this.signal).catch(() => undefined);
    if (ours === undefined) return;
    if (ours !== null) this.#adopt(info, ours);
    else if (!this.#released) this.#revoke(await this.#whyLost());
  }

  #adopt(info: LockInfo, version: string): void {
    this.#info = info;
    this.#version = version;
    this.#lastRenewal = this.#deps.clock.now();
  }

  async #whyLost(): Promise<string> {
    const current = await readLockObject(this.#deps.store, this.key, this.signal).catch(() => null);
    if (!current) return "the lock object was deleted";
    if (current.body === "corrupt") return "the lock object was overwritten with something unreadable";
    if (isFreeBody(current.body)) return "it was force-released ('swamp datastore lock release --force')";
    return `${current.body.holder} (pid ${current.body.pid}) took it over after it went stale`;
  }

  #revoke(why: string): void {
    if (this.signal.aborted) return;
    this.#stopHeartbeat();
    this.#controller.abort(lockLostError(this.key, why));
  }

  /**
   * Frees the lock object if it still carries our nonce, within a deadline of its own so that
   * no way out of a command waits long on an unreachable store; a lease it cannot free is
   * recorded with the message that says how (docs/architecture.md, "Leaving").
   */
  async #release(): Promise<void> {
    const { store, clock, key } = this.#deps;
    this.#stopHeartbeat();
    if (!this.signal.aborted) {
      this.#controller.abort(
        new SwampError("lock_lost", `Lock "${key}" was released; nothing may be written under it.`),
      );
    }
    await this.#beat;
    const deadline = startDeadline(clock, LEASE_RELEASE_BUDGET);
    try {
      // Only ever replace a body carrying our nonce: a successor's lease stays untouched.
      for (let attempt = 0; attempt < RELEASE_TRIES; attempt++) {
        const free = freeLockBody(this.#info.epoch, clock.now());
        const result = await store.put(key, free, { version: this.#version }, deadline.signal);
        if (result.ok) {
          await this.#deps.journal?.rememberFreed?.(store.description, key, {
            version: result.version,
            epoch: this.#info.epoch,
          });
        }
        const ours =
          result.ok || result.reason === "missing"
            ? null
            : await versionIfOurs(store, key, this.#info.nonce, deadline.signal);
        if (!ours) {
          await this.#deps.journal?.forget(this.#info.nonce);
          return;
        }
        this.#version = ours;
      }
      recordLeftBehind(
        key,
        leftBehindMessage(this.#where, "its lock object kept changing under the release"),
      );
    } catch (error) {
      const why =
        error instanceof DeadlineExceeded
          ? `the store did not answer within ${formatSeconds(LEASE_RELEASE_BUDGET.ms)}`
          : `releasing it failed (${(error as Error).message})`;
      recordLeftBehind(key, leftBehindMessage(this.#where, why));
    } finally {
      deadline.dispose();
      unregisterLease(this);
    }
  }
}
