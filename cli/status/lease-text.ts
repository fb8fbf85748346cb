import type { LockWait } from "../../adapters/lease-lock/lock-coordinator.ts";
import { formatDuration } from "../../core/duration-text.ts";
import { type LeaseDoc, leaseDoc, type RemoteStatus } from "./status-snapshot.ts";

/** One-line description of a lease: `free`, `bob@ci-7 (pid 412) 8 s · ttl 22 s`, or `stale: …`. */
export function describeLease(lease: LeaseDoc): string {
  if (lease.error) return `unknown (${lease.error})`;
  if (!lease.held || !lease.info) return "free";
  if (lease.corrupt)
    return `corrupt lock object (${formatDuration(lease.ageMs ?? 0)} old) — run 'swamp ds lock release --force'`;
  const who = `${lease.info.holder} (pid ${lease.info.pid})`;
  const age = formatDuration(
    Date.parse(lease.info.renewedAt) - Date.parse(lease.info.acquiredAt) + (lease.ageMs ?? 0),
  );
  if (lease.stale) {
    const why =
      lease.staleReason === "holder_dead"
        ? "holder process is gone"
        : `not renewed for ${formatDuration(lease.ageMs ?? 0)}`;
    return `stale: ${who} ${why} (takeover allowed)`;
  }
  return `${who} ${age} · ttl ${formatDuration(lease.expiresInMs ?? 0)}`;
}

/** `clean · pulled 14 s ago`, `3 pending · pushed 2 min ago`, or `—` for a filesystem datastore. */
export function describeSync(remote: RemoteStatus | undefined, now: number): string {
  if (!remote) return "local";
  const pending = remote.pendingBulk
    ? "changes pending (full walk)"
    : remote.pendingPaths > 0
      ? `${remote.pendingPaths} pending`
      : "clean";
  const pulled = remote.lastPullAt
    ? ` · pulled ${formatDuration(now - Date.parse(remote.lastPullAt))} ago`
    : " · never pulled";
  return `${pending}${pulled}`;
}

/** Another namespace's SYNC cell: when this repo last pulled its catalog. */
export function describeCatalogPull(row: { catalogPulledAt?: string }, now: number): string {
  if (!row.catalogPulledAt) return "—";
  return `catalog pulled ${formatDuration(now - Date.parse(row.catalogPulledAt))} ago`;
}

export function describeTransfer(remote: RemoteStatus | undefined): string | undefined {
  const t = remote?.transfer;
  if (!t) return undefined;
  const pct = t.total > 0 ? Math.floor((t.done / t.total) * 100) : 0;
  const width = 20;
  const filled = Math.round((pct / 100) * width);
  return `${t.phase} ${"█".repeat(filled)}${"░".repeat(width - filled)} ${t.done}/${t.total} (${pct}%) · pid ${t.pid}`;
}

/** The line a command prints while it waits for leases held by others. */
export function describeWait(wait: LockWait): string {
  if (wait.kind === "global") {
    return `Waiting for the datastore lease held by ${describeLease(leaseDoc(wait.holder.key, wait.holder))}…`;
  }
  return `Waiting for ${wait.holders.length} per-model lease(s) to be released…`;
}
