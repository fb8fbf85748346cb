import type { StatusSnapshot } from "./status-snapshot.ts";

/**
 * Remembers, across the snapshots of one process, when the store stopped answering: each
 * unhealthy snapshot gets `unreachableSince` (the first unhealthy check in a row); a healthy one
 * starts over.
 */
export function unreachableTracker(): (snap: StatusSnapshot) => StatusSnapshot {
  let since: string | undefined;
  return (snap) => {
    if (snap.healthy) {
      since = undefined;
      return snap;
    }
    since ??= snap.checkedAt;
    return { ...snap, unreachableSince: since };
  };
}
