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
  /** The lease could not be read (store unreachable): its state is unknown. */
  error?: string;
}

export interface NamespaceRow {
  namespace: string;
  repoId: string;
  registeredAt: string;
  isCurrent: boolean;
}

/** A remote datastore's side of the status: where the bucket is and how the cache stands. */
export interface RemoteStatus {
  store: string;
  bucket: string;
  prefix?: string;
  endpoint?: string;
  cachePath: string;
  pendingPaths: number;
  pendingBulk: boolean;
  lastPullAt?: string;
  lastPushAt?: string;
  commitSeq?: number;
  /** A transfer running right now in another swamp process on this machine. */
  transfer?: { phase: string; done: number; total: number; pid: number };
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
  remote?: RemoteStatus;
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
