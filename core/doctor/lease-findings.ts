import { formatDuration } from "../duration-text.ts";
import { parseModelLockKey } from "../lock-keys.ts";
import type { LockState } from "../ports/lock.ts";
import type { Finding } from "./finding.ts";
import { LOCK_STATUS_COMMAND, REPAIR_COMMAND, releaseCommand } from "./fix-commands.ts";

export interface LeaseStates {
  global: LockState | null;
  models: readonly LockState[];
}

/**
 * The leases of one namespace as doctor sees them: a live lease is information (someone is at
 * work); a stale or corrupt one (an absurd ttl makes a lock object corrupt, see core/lease-rules.ts)
 * is a problem doctor frees, exactly the version inspected.
 */
export function leaseFindings(namespace: string, leases: LeaseStates): Finding[] {
  const models = [...leases.models].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const found = models.map((state) => leaseFinding(state, parseModelLockKey(namespace, state.key)));
  return leases.global ? [leaseFinding(leases.global, "global"), ...found] : found;
}

/** `model` is "global" for the global lease, null for a model lease whose key names no model. */
function leaseFinding(state: LockState, model: { type: string; id: string } | "global" | null): Finding {
  const isGlobal = model === "global";
  const what = isGlobal
    ? "the global lease"
    : model
      ? `the lease of model ${model.type}/${model.id}`
      : "a model lease";
  const blocked = isGlobal ? "structural commands and every writer" : "writers of that model";
  // A model lease whose key names no model can only be freed by doctor itself.
  const release = isGlobal ? releaseCommand(null) : model ? releaseCommand(model) : REPAIR_COMMAND;
  const { info } = state;
  const holder = `${info.holder} (pid ${info.pid} on ${info.hostname || "an unknown host"})`;
  const freeIt = { kind: "release_lease", key: state.key, nonce: info.nonce } as const;
  if (state.corrupt) {
    return {
      code: "lease_corrupt",
      subject: state.key,
      problem: true,
      message: `${what} is an unreadable lock object, written ${since(state.ageMs)}: nobody can tell who holds it, and ${blocked} wait until it expires.`,
      fix: release,
      repair: freeIt,
    };
  }
  if (state.stale) {
    const why =
      state.staleReason === "holder_dead"
        ? "whose process is gone"
        : `which has not renewed it ${state.ageMs === undefined ? "in time" : `for ${formatDuration(state.ageMs)}`}`;
    return {
      code: "lease_stale",
      subject: state.key,
      problem: true,
      message: `${what} is held by ${holder}, ${why}: the next command that needs it takes it over; until then it shows as held.`,
      fix: release,
      repair: freeIt,
    };
  }
  return {
    code: "lease_held",
    subject: state.key,
    problem: false,
    message: `${what} is held by ${holder}${info.operation ? ` for '${info.operation}'` : ""}, renewed ${since(state.ageMs)}: normal while it works.`,
    fix: LOCK_STATUS_COMMAND,
  };
}

/** When a lease object was written, for a message; a store that gives no time leaves it unknown. */
function since(ageMs: number | undefined): string {
  return ageMs === undefined ? "at a time the store did not say" : `${formatDuration(ageMs)} ago`;
}
