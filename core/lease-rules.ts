import type { Random } from "./ports/clock.ts";
import type { Host } from "./ports/host.ts";
import type { LockInfo } from "./ports/lock.ts";

/** How a lease looks to a reader, judged on the store's clock. */
export interface LeaseJudgement {
  stale: boolean;
  reason?: "expired" | "holder_dead";
  /** Store time since the lock object was last written; absent when the store did not say. */
  ageMs?: number;
  /** Time left before others may take it over; 0 when stale. */
  expiresInMs: number;
}

/** The longest ttl a lease may carry; a body asking for more is corrupt (docs/architecture.md, "Leases"). */
export const MAX_LEASE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Judges a lease. `info` is null when the lock object is corrupt: then only its age counts.
 * Age is the store's `serverNow − modifiedAt`, never the holder's own timestamps, so clock
 * skew between hosts does not matter. An answer without `modifiedAt` says nothing about the
 * age, and a lease is never taken from its holder on missing data: it counts as just written.
 * The holder's own `ttlMs` wins over `ttlMs`.
 * A dead pid counts only on the holder's own host (a pid means nothing elsewhere).
 */
export function judgeLease(
  info: LockInfo | null,
  objectModifiedAt: number | undefined,
  serverNow: number,
  ttlMs: number,
  host: Pick<Host, "hostname" | "isPidAlive">,
): LeaseJudgement {
  const ttl = info ? info.ttlMs : ttlMs;
  const known = objectModifiedAt !== undefined && Number.isFinite(objectModifiedAt);
  const ageMs = known ? Math.max(0, serverNow - objectModifiedAt) : undefined;
  const age = ageMs === undefined ? {} : { ageMs };
  if (info && info.hostname === host.hostname && !host.isPidAlive(info.pid)) {
    return { stale: true, reason: "holder_dead", ...age, expiresInMs: 0 };
  }
  if (ageMs !== undefined && ageMs > ttl) return { stale: true, reason: "expired", ageMs, expiresInMs: 0 };
  return { stale: false, ...age, expiresInMs: ttl - (ageMs ?? 0) };
}

const BACKOFF_CAP_MS = 8000;

/** Wait before retry `attempt` (0-based): base ×2 per attempt, capped at 8 s, ±25 % jitter. */
export function nextBackoff(attempt: number, baseMs: number, random: Random): number {
  const capped = Math.min(baseMs * 2 ** Math.min(attempt, 30), BACKOFF_CAP_MS);
  return Math.round(capped * (0.75 + random() * 0.5));
}

/** The body of a lock object nobody holds. Kept (not deleted) so the epoch survives. */
export interface FreeLockBody {
  free: true;
  /** Epoch of the last holder; the next acquisition writes epoch + 1. */
  epoch: number;
  releasedAt: string;
}

export type LockBody = LockInfo | FreeLockBody;

export function isFreeBody(body: LockBody): body is FreeLockBody {
  return "free" in body;
}

/** Epoch the next holder writes over `previous` (the object's parsed body, or null when absent). */
export function nextEpoch(previous: LockBody | "corrupt" | null): number {
  if (previous === null || previous === "corrupt") return 1;
  return previous.epoch + 1;
}

export function newLockInfo(fields: {
  host: Pick<Host, "hostname" | "pid" | "user">;
  nonce: string;
  now: number;
  ttlMs: number;
  epoch: number;
  operation?: string;
}): LockInfo {
  const at = new Date(fields.now).toISOString();
  const info: LockInfo = {
    holder: `${fields.host.user}@${fields.host.hostname}`,
    hostname: fields.host.hostname,
    pid: fields.host.pid,
    acquiredAt: at,
    renewedAt: at,
    ttlMs: fields.ttlMs,
    nonce: fields.nonce,
    epoch: fields.epoch,
  };
  if (fields.operation !== undefined) info.operation = fields.operation;
  return info;
}

const encoder = new TextEncoder();

export function encodeLockBody(body: LockBody): Uint8Array {
  return encoder.encode(`${JSON.stringify(body, null, 2)}\n`);
}

/**
 * Parses a lock object. Anything that is not valid UTF-8 JSON of one of the two shapes is
 * "corrupt", and so is a ttl that is not a positive number of at most MAX_LEASE_TTL_MS: a
 * holder asking for forever would never be taken over. Bodies written by the reference (no `epoch`, no `renewedAt`) are accepted.
 */
export function parseLockBody(bytes: Uint8Array): LockBody | "corrupt" {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return "corrupt";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "corrupt";
  const v = value as Record<string, unknown>;
  const epoch = v.epoch === undefined ? 0 : v.epoch;
  if (!isEpoch(epoch)) return "corrupt";
  if (v.free === true) {
    return { free: true, epoch, releasedAt: typeof v.releasedAt === "string" ? v.releasedAt : "" };
  }
  const renewedAt = v.renewedAt === undefined ? v.acquiredAt : v.renewedAt;
  if (
    typeof v.holder !== "string" ||
    typeof v.hostname !== "string" ||
    !Number.isInteger(v.pid) ||
    typeof v.acquiredAt !== "string" ||
    typeof renewedAt !== "string" ||
    typeof v.ttlMs !== "number" ||
    !(v.ttlMs > 0 && v.ttlMs <= MAX_LEASE_TTL_MS) ||
    typeof v.nonce !== "string" ||
    v.nonce === "" ||
    (v.operation !== undefined && typeof v.operation !== "string")
  ) {
    return "corrupt";
  }
  const info: LockInfo = {
    holder: v.holder,
    hostname: v.hostname,
    pid: v.pid as number,
    acquiredAt: v.acquiredAt,
    renewedAt,
    ttlMs: v.ttlMs,
    nonce: v.nonce,
    epoch,
  };
  if (typeof v.operation === "string") info.operation = v.operation;
  return info;
}

function isEpoch(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}
