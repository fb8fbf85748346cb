import type { Lease } from "../../core/ports/lock.ts";

/** Where a lease lives and how a person frees it, for the messages about leases left behind. */
export interface LeaseWhere {
  key: string;
  store: string;
  ttlMs: number;
  releaseCommand: string;
}

/**
 * Every lease this process holds, is taking or is releasing, so that every way out of a command
 * releases them all (docs/architecture.md, "Leaving"). A lease stays listed until its release
 * has settled, and a lock write in flight is listed until it has become a lease or failed: an
 * interrupt that arrives in either window still waits for it.
 */
const held = new Map<Lease, LeaseWhere>();
const inFlight = new Map<Promise<unknown>, LeaseWhere>();
const leftBehind = new Map<string, string>();
let releasingAll = false;

export function registerLease(lease: Lease, where: LeaseWhere): void {
  held.set(lease, where);
}

export function unregisterLease(lease: Lease): void {
  held.delete(lease);
}

export function heldLeaseCount(): number {
  return held.size;
}

/** True while `releaseAllLeases` runs: a lease acquired now must be released at once. */
export function releasingAllLeases(): boolean {
  return releasingAll;
}

/** Lists `work` (a lock write, or a release) until it settles; returns it. */
export function trackLeaseWork<T>(where: LeaseWhere, work: Promise<T>): Promise<T> {
  inFlight.set(work, where);
  const forget = () => inFlight.delete(work);
  work.then(forget, forget);
  return work;
}

/** A lease that may stay in the store, with the message that says how to free it. */
export function recordLeftBehind(key: string, message: string): void {
  leftBehind.set(key, message);
}

/** The messages about leases that may stay in the store, once each; the list is emptied. */
export function takeLeftBehind(): string[] {
  const messages = [...leftBehind.values()];
  leftBehind.clear();
  return messages;
}

/** Leases held, or being taken or released, right now (for a process that must stop at once). */
export function unsettledLeases(): LeaseWhere[] {
  const byKey = new Map<string, LeaseWhere>();
  for (const where of [...held.values(), ...inFlight.values()]) byKey.set(where.key, where);
  return [...byKey.values()];
}

/** Most rounds `releaseAllLeases` makes: each one waits for everything in flight, so few are needed. */
const MAX_ROUNDS = 8;

/**
 * Releases every held lease, after waiting for the lock writes in flight; an acquisition that
 * completes meanwhile releases its lease itself. Each release is nonce-checked, bounded by its
 * own deadline, and never throws.
 */
export async function releaseAllLeases(): Promise<void> {
  releasingAll = true;
  try {
    for (let round = 0; round < MAX_ROUNDS && (held.size > 0 || inFlight.size > 0); round++) {
      await Promise.allSettled([...inFlight.keys(), ...[...held.keys()].map((lease) => lease.release())]);
    }
  } finally {
    releasingAll = false;
  }
}
