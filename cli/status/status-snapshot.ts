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

/**
 * One namespace of the datastore as `status` shows it. `namespace` is "" for solo mode's layout at
 * the datastore root (the repo is solo, or root data is there). `state` says where `repoId`
 * and `registeredAt` come from: the manifest, or why there are none ("" then); `solo` has no
 * manifest by design, `unknown` means the namespaces could not be listed (`problem` says why).
 */
export interface NamespaceDoc {
  namespace: string;
  repoId: string;
  registeredAt: string;
  /** This repo's own. */
  isCurrent: boolean;
  state: "registered" | "missing" | "corrupt" | "solo" | "unknown";
  /** What is wrong with the manifest, for people: `no manifest`, `manifest unreadable: …`. */
  problem?: string;
  /** Its global lease. */
  lease: LeaseDoc;
  /** When this repo last pulled its catalog (`datastore catalog pull`); absent if never. */
  catalogPulledAt?: string;
}

/** A remote datastore's side of the status: where the bucket is and how the cache stands. */
export interface RemoteStatus {
  store: string;
  bucket: string;
  prefix?: string;
  endpoint?: string;
  cachePath: string;
  /** `lazy`: pulls leave version content in the bucket until it is read (docs/architecture.md, "Lazy hydration"). */
  hydrationStrategy: "full" | "lazy";
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
  /** The datastore kind; `type` is the same, the name the reference CLI prints. */
  type: string;
  datastoreType: string;
  path?: string;
  healthy: boolean;
  message: string;
  latencyMs: number;
  /** Why it is unhealthy, in a few plain words ("connection refused"). */
  cause?: string;
  /** When the store stopped answering, as far as this process saw (absent while healthy). */
  unreachableSince?: string;
  directories: string[];
  exclude?: string[];
  namespace: string;
  repoId: string;
  repoDir: string;
  namespaces: NamespaceDoc[];
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
