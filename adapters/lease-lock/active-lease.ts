import { SwampError } from "../../core/errors.ts";
import { encodeLockBody, isFreeBody } from "../../core/lease-rules.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Lease, LockInfo } from "../../core/ports/lock.ts";
import type { ObjectStore, WriteResult } from "../../core/ports/object-store.ts";
import { registerLease, unregisterLease } from "./held-leases.ts";
import { lockLostError } from "./lock-errors.ts";
import { freeLockBody, readLockObject, versionIfOurs } from "./lock-object.ts";

export interface ActiveLeaseDeps {
  store: ObjectStore;
  clock: Clock;
  key: string;
}

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
    registerLease(this);
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
    this.#released ??= this.#release();
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
    const ours = await versionIfOurs(store, key, info.nonce).catch(() => undefined);
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
    const current = await readLockObject(this.#deps.store, this.key).catch(() => null);
    if (!current) return "the lock object was deleted";
    if (current.body === "corrupt") return "the lock object was overwritten with something unreadable";
    if (isFreeBody(current.body)) return "it was force-released ('swamp datastore lock release --force')";
    return `${current.body.holder} (pid ${current.body.pid}) took it over after it went stale`;
  }

  #revoke(why: string): void {
    if (this.signal.aborted) return;
    this.#stopHeartbeat();
    unregisterLease(this);
    this.#controller.abort(lockLostError(this.key, why));
  }

  async #release(): Promise<void> {
    const { store, clock, key } = this.#deps;
    this.#stopHeartbeat();
    unregisterLease(this);
    if (!this.signal.aborted) {
      this.#controller.abort(
        new SwampError("lock_lost", `Lock "${key}" was released; nothing may be written under it.`),
      );
    }
    await this.#beat;
    // Only ever replace a body carrying our nonce: a successor's lease stays untouched.
    // If the store cannot be reached the lease simply expires after its ttl.
    for (let attempt = 0; attempt < 2; attempt++) {
      const free = freeLockBody(this.#info.epoch, clock.now());
      const result = await store.put(key, free, { version: this.#version }).catch(() => null);
      if (!result || result.ok || result.reason === "missing") return;
      const ours = await versionIfOurs(store, key, this.#info.nonce).catch(() => null);
      if (!ours) return;
      this.#version = ours;
    }
  }
}
