import type { ModelKey } from "../data-record.ts";

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
