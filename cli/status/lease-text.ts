import type { LockWait } from "../../adapters/lease-lock/lock-coordinator.ts";
import { formatDuration } from "../../core/duration-text.ts";
import type { LockState } from "../../core/ports/lock.ts";
import { LOCK_TIMEOUT_VARIABLE } from "../../core/tunables.ts";
import type { LeaseDoc, RemoteStatus } from "./status-snapshot.ts";

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

/**
 * The line a command prints once when a lease held by others keeps it waiting (docs/architecture.md,
 * "Progress and waiting"): `Waiting for the lease on model aws/vpc/1f2e held by alice@host (pid 123)
 * since 12:03:10; giving up in 58 s (SWAMP_LOCK_TIMEOUT_MS).`
 */
export function describeWait(wait: LockWait): string {
  const giveUp = `giving up in ${formatDuration(wait.remainingMs)} (${LOCK_TIMEOUT_VARIABLE})`;
  if (wait.kind === "models") {
    const first = wait.holders[0];
    const by = first ? ` (${wait.models[0]} held by ${holderText(first)})` : "";
    const count = wait.holders.length === 1 ? "1 per-model lease" : `${wait.holders.length} per-model leases`;
    return `Waiting for ${count}${by} to be released; ${giveUp}.`;
  }
  const what = wait.kind === "global" ? "the datastore's global lease" : `the lease on model ${wait.model}`;
  return `Waiting for ${what} held by ${holderText(wait.holder)}; ${giveUp}.`;
}

/** `alice@host (pid 123, data put) since 12:03:10` (local time). */
function holderText(state: LockState): string {
  const doing = state.info.operation ? `, ${state.info.operation}` : "";
  const since = new Date(state.info.acquiredAt);
  const when = Number.isNaN(since.getTime()) ? state.info.acquiredAt : since.toTimeString().slice(0, 8);
  return `${state.info.holder} (pid ${state.info.pid}${doing}) since ${when}`;
}
