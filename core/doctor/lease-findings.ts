import { formatDuration } from "../duration-text.ts";
import { parseModelLockKey } from "../lock-keys.ts";
import type { LockState } from "../ports/lock.ts";
import type { Finding } from "./finding.ts";
import { LOCK_STATUS_COMMAND, REPAIR_COMMAND, releaseCommand } from "./fix-commands.ts";

/** A ttl beyond this is absurd: should its holder die on another host, the lease blocks others that long. */
export const MAX_SANE_LEASE_TTL_MS = 24 * 60 * 60 * 1000;

export interface LeaseStates {
  global: LockState | null;
  models: readonly LockState[];
}

/**
 * The leases of one namespace as doctor sees them: a live lease is information (someone is at
 * work); a stale or corrupt one is a problem doctor frees, exactly the version inspected; one
 * with an absurd ttl is a problem only a person can judge (is its holder still running?).
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
      message: `${what} is an unreadable lock object, written ${formatDuration(state.ageMs)} ago: nobody can tell who holds it, and ${blocked} wait until it expires.`,
      fix: release,
      repair: freeIt,
    };
  }
  if (state.stale) {
    const why =
      state.staleReason === "holder_dead"
        ? "whose process is gone"
        : `which has not renewed it for ${formatDuration(state.ageMs)}`;
    return {
      code: "lease_stale",
      subject: state.key,
      problem: true,
      message: `${what} is held by ${holder}, ${why}: the next command that needs it takes it over; until then it shows as held.`,
      fix: release,
      repair: freeIt,
    };
  }
  if (!Number.isFinite(info.ttlMs) || info.ttlMs > MAX_SANE_LEASE_TTL_MS) {
    const ttl = Number.isFinite(info.ttlMs) ? formatDuration(info.ttlMs) : "no end";
    return {
      code: "lease_absurd",
      subject: state.key,
      problem: true,
      message: `${what} is held by ${holder} with a ttl of ${ttl}: should that process be gone, ${blocked} wait that long. Check that it is not running swamp before freeing the lease.`,
      fix: release,
    };
  }
  return {
    code: "lease_held",
    subject: state.key,
    problem: false,
    message: `${what} is held by ${holder}${info.operation ? ` for '${info.operation}'` : ""}, renewed ${formatDuration(state.ageMs)} ago: normal while it works.`,
    fix: LOCK_STATUS_COMMAND,
  };
}
