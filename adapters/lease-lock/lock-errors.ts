import { SwampError } from "../../core/errors.ts";
import type { LockState } from "../../core/ports/lock.ts";

export const RELEASE_COMMAND = "swamp datastore lock release --force";

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
      `Lock "${key}" — ${waited}. Other commands kept taking it; try again.`,
      {
        key,
        waitedMs,
      },
    );
  }
  if (holder.corrupt) {
    return new SwampError(
      "lock_timeout",
      `Lock "${key}" is held by a corrupt lock object (not valid lock JSON, last written ${holder.info.acquiredAt}) — ${waited}. It is taken over once it is older than its ttl; to clear it now, run '${releaseCommand}'.`,
      { key, waitedMs, corrupt: true, holder: holder.info },
    );
  }
  const { info } = holder;
  return new SwampError(
    "lock_timeout",
    `Lock "${key}" held by ${info.holder} (pid ${info.pid}) since ${info.acquiredAt} — ${waited}. If no swamp command is running there, run '${releaseCommand}'.`,
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
    `Waiting for per-model locks timed out after ${Math.round(waitedMs)}ms: ${holders.length} still held (${list}). If no swamp command is running there, run '${RELEASE_COMMAND} --model ${only}'.`,
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
