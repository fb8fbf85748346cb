import type { ModelKey } from "../data-record.ts";
import type { Lease } from "../ports/lock.ts";

/**
 * Runs `fn` holding the per-model leases of `models` (docs/architecture.md, "Leases"). The signal
 * aborts when a lease is lost or the user interrupts; writers check it before committing.
 */
export type WithModelLeases = <T>(
  models: ModelKey[],
  fn: (signal: AbortSignal) => Promise<T>,
  operation: string,
) => Promise<T>;

/** Throws the abort reason when the lease behind `signal` is gone: nothing is committed without it. */
export function assertStillHeld(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason;
}

/** What a use case does with a lease it holds: check it is still its own before committing. */
export type HeldLease = Pick<Lease, "assertHeld">;

/**
 * Runs `fn` holding the global lease (docs/architecture.md, "Leases"), for structural commands;
 * on a bucket the runner pulls before and pushes after.
 */
export type WithGlobalLease = <T>(fn: (lease: HeldLease) => Promise<T>, operation: string) => Promise<T>;
