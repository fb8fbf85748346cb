import type { LockInfo, LockState } from "../../core/ports/lock.ts";

/** One lease as `lock status --json` and `status --json` print it. */
export interface LeaseDoc {
  key: string;
  held: boolean;
  info?: LockInfo;
  stale: boolean;
  staleReason?: string;
  corrupt?: boolean;
  ageMs?: number;
  expiresInMs?: number;
  /** `type/id` for a per-model lease. */
  lockScope?: string;
}

export interface NamespaceRow {
  namespace: string;
  repoId: string;
  registeredAt: string;
  isCurrent: boolean;
}

/** Everything `swamp datastore status` shows; its --json output. */
export interface StatusSnapshot {
  type: string;
  path?: string;
  healthy: boolean;
  message: string;
  latencyMs: number;
  directories: string[];
  exclude?: string[];
  namespace: string;
  repoId: string;
  repoDir: string;
  namespaces: NamespaceRow[];
  locks: { global: LeaseDoc; models: LeaseDoc[] };
  checkedAt: string;
}

export function leaseDoc(key: string, state: LockState | null, lockScope?: string): LeaseDoc {
  if (!state) return { key, held: false, stale: false, ...(lockScope ? { lockScope } : {}) };
  const doc: LeaseDoc = {
    key,
    held: true,
    info: state.info,
    stale: state.stale,
    ageMs: state.ageMs,
    expiresInMs: state.expiresInMs,
  };
  if (state.staleReason) doc.staleReason = state.staleReason;
  if (state.corrupt) doc.corrupt = true;
  if (lockScope) doc.lockScope = lockScope;
  return doc;
}
