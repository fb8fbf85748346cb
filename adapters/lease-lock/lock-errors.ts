import { DeadlineExceeded, formatSeconds } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import type { LockState } from "../../core/ports/lock.ts";
import { LOCK_TIMEOUT_VARIABLE } from "../../core/tunables.ts";
import type { LeaseWhere } from "./held-leases.ts";

export const RELEASE_COMMAND = "swamp datastore lock release --force";

const WAIT_LONGER = `raise ${LOCK_TIMEOUT_VARIABLE} to wait longer`;

/**
 * Timed out waiting for `key`; `holder` is what was last seen there (null: nobody, we kept
 * losing races). `releaseCommand` is what clears this lock by hand.
 */
export function lockTimeoutError(
  key: string,
  holder: LockState | null,
  waitedMs: number,
  releaseCommand = RELEASE_COMMAND,
): SwampError {
  const waited = `timed out after ${Math.round(waitedMs)}ms`;
  if (!holder) {
    return new SwampError(
      "lock_timeout",
      `Lock "${key}" — ${waited}. Other commands kept taking it; try again, or ${WAIT_LONGER}.`,
      {
        key,
        waitedMs,
      },
    );
  }
  if (holder.corrupt) {
    return new SwampError(
      "lock_timeout",
      `Lock "${key}" is held by a corrupt lock object (not valid lock JSON, last written ${holder.info.acquiredAt}) — ${waited}. It is taken over once it is older than its ttl (or ${WAIT_LONGER}); to clear it now, run '${releaseCommand}'.`,
      { key, waitedMs, corrupt: true, holder: holder.info },
    );
  }
  const { info } = holder;
  return new SwampError(
    "lock_timeout",
    `Lock "${key}" held by ${info.holder} (pid ${info.pid}) since ${info.acquiredAt} — ${waited}. If no swamp command is running there, run '${releaseCommand}'; else ${WAIT_LONGER}.`,
    { key, waitedMs, holder: info },
  );
}

/** Timed out draining per-model leases before a structural command; `model` names a lease's model. */
export function drainTimeoutError(holders: LockState[], model: (key: string) => string, waitedMs: number) {
  const list = holders
    .map((h) => `${model(h.key)} by ${h.info.holder} (pid ${h.info.pid}) since ${h.info.acquiredAt}`)
    .join("; ");
  const only = holders.length === 1 && holders[0] ? model(holders[0].key) : "<type>/<id>";
  return new SwampError(
    "lock_timeout",
    `Waiting for per-model locks timed out after ${Math.round(waitedMs)}ms: ${holders.length} still held (${list}). If no swamp command is running there, run '${RELEASE_COMMAND} --model ${only}'; else ${WAIT_LONGER}.`,
    { key: "per-model locks", waitedMs, holders: holders.map((h) => ({ key: h.key, ...h.info })) },
  );
}

export function interruptedError(key: string): SwampError {
  return new SwampError("interrupted", `Interrupted while waiting for lock "${key}".`);
}

export function lockLostError(key: string, why: string): SwampError {
  return new SwampError(
    "lock_lost",
    `Lost lock "${key}": ${why}. Nothing more was written under it; run the command again.`,
    { key },
  );
}

/** The lease wait ran out while the store had not answered: nobody was seen holding the lease. */
export function lockUnansweredError(key: string, store: string, deadline: DeadlineExceeded): SwampError {
  return new SwampError(
    "lock_timeout",
    `Lock "${key}" on ${store}: the store did not answer within the lease wait of ${formatSeconds(deadline.budget.ms)} (${deadline.budget.raise}); nothing was written. Check that the store is reachable ('swamp datastore status'), or ${WAIT_LONGER}.`,
    { key, store, waitedMs: deadline.budget.ms },
  );
}

/**
 * Why waiting for `key` stopped, once `signal` aborted: its deadline ran out (`onDeadline` says
 * what was seen meanwhile), or the user interrupted. `error` is returned when the signal did not abort.
 */
export function waitStopped(
  signal: AbortSignal,
  error: unknown,
  key: string,
  onDeadline: (deadline: DeadlineExceeded) => SwampError,
): unknown {
  if (!signal.aborted) return error;
  if (signal.reason instanceof DeadlineExceeded) return onDeadline(signal.reason);
  return interruptedError(key);
}

/** Said when a lease could not be freed in the store: which lease stays, until when, and how to free it. */
export function leftBehindMessage(where: LeaseWhere, why: string): string {
  return `The lease "${where.key}" on ${where.store} may still be held: ${why}. It expires on its own ${formatSeconds(where.ttlMs)} after its last renewal; to free it now, run '${where.releaseCommand}' once 'swamp datastore lock status' shows no swamp command using it.`;
}
