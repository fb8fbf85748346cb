import type { Lease } from "../../core/ports/lock.ts";

/** Every lease this process holds, so Ctrl-C can release them all before exiting. */
const held = new Set<Lease>();

export function registerLease(lease: Lease): void {
  held.add(lease);
}

export function unregisterLease(lease: Lease): void {
  held.delete(lease);
}

export function heldLeaseCount(): number {
  return held.size;
}

/** Releases every held lease (each release is nonce-checked and never throws). */
export async function releaseAllLeases(): Promise<void> {
  await Promise.allSettled([...held].map((lease) => lease.release()));
}
