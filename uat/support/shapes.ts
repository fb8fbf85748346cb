// The JSON documents swamp prints (docs/architecture.md, "JSON documents"), as the UAT reads them.

export interface ErrorDoc {
  error: string;
  code: string;
  /** What led to the error, outermost step first (docs/architecture.md, "Error messages"). */
  causes?: string[];
}

export interface RepoInitDoc {
  repoDir: string;
  repoId: string;
  created: boolean;
}

export interface PutDoc {
  id: string;
  name: string;
  modelId: string;
  modelName: string;
  modelType: string;
  namespace: string;
  version: number;
  size: number;
  checksum: string;
  contentType: string;
  createdAt: string;
  /** Pending versions renumbered while this command synced (always present on every datastore). */
  rebased: RebasedDoc[];
}

export interface RebasedDoc {
  modelName: string;
  modelType: string;
  modelId: string;
  name: string;
  from: number;
  to: number;
}

export interface OwnerDefinition {
  ownerType: string;
  ownerRef: string;
}

export interface GetDoc {
  id: string;
  name: string;
  modelId: string;
  modelName: string;
  modelType: string;
  version: number;
  contentType: string;
  lifetime: string;
  garbageCollection: number | string;
  streaming: boolean;
  tags: Record<string, string>;
  ownerDefinition: OwnerDefinition;
  createdAt: string;
  size?: number;
  checksum?: string;
  contentPath: string;
  /** Parsed JSON, text, or (non-text content) base64 with `contentEncoding`. */
  content?: unknown;
  contentEncoding?: "base64";
  /** `--output FILE`: where the content went and how many bytes. */
  outputPath?: string;
  bytesWritten?: number;
}

export interface ListItem {
  /** Only when the listing spans namespaces (`*:model`). */
  namespace?: string;
  id: string;
  name: string;
  version: number;
  contentType: string;
  /** The same as `type`: the data type (`resource`, `file`, …). */
  dataType: string;
  type: string;
  streaming: boolean;
  size?: number;
  createdAt: string;
}

export interface ListDoc {
  modelId: string;
  modelName: string;
  modelType: string;
  /** The namespace listed, when the repo is namespaced or the listing names one (`infra:vpc`). */
  namespace?: string;
  /** `*:model` across several namespaces: each item then carries its `namespace`. */
  namespaces?: string[];
  groups: { type: string; dataType: string; items: ListItem[] }[];
  total: number;
}

export interface VersionEntry {
  version: number;
  createdAt: string;
  size?: number;
  checksum?: string;
  isLatest: boolean;
}

export interface VersionsDoc {
  name: string;
  /** The same as `name`, under the reference CLI's name. */
  dataName: string;
  modelId: string;
  modelName: string;
  modelType: string;
  versions: VersionEntry[];
  total: number;
}

export interface QueryRecord {
  id: string;
  name: string;
  version: number;
  isLatest: boolean;
  createdAt: string;
  namespace: string;
  tags: Record<string, string>;
  modelName: string;
  modelId: string;
  modelType: string;
  contentType: string;
  size?: number;
  content: unknown;
}

export interface QueryDoc {
  predicate: string;
  results: QueryRecord[];
  total: number;
  limited: boolean;
}

export interface SelectDoc {
  results: unknown[];
  total: number;
  limited: boolean;
}

export interface LockInfo {
  holder: string;
  hostname: string;
  pid: number;
  acquiredAt: string;
  renewedAt?: string;
  ttlMs: number;
  nonce: string;
  epoch?: number;
  operation?: string;
}

export interface LockEntry {
  /** The lease object's key in the datastore, e.g. `infra/.datastore.lock`. */
  key: string;
  held: boolean;
  info?: LockInfo;
  stale?: boolean;
  /** `holder_dead` (a dead pid on this host) or `expired`. */
  staleReason?: string;
  expiresInMs?: number;
  lockScope?: string;
}

export interface LockStatusDoc {
  global: LockEntry;
  models: LockEntry[];
}

export interface ReleaseDoc {
  released: boolean;
  previousHolder?: LockInfo;
  reason?: string;
}

export interface StatusDoc {
  type: string;
  /** The same as `type`. */
  datastoreType: string;
  path?: string;
  healthy: boolean;
  message: string;
  latencyMs: number;
  /** Why it is unhealthy, in a few plain words ("connection refused"). */
  cause?: string;
  /** The first of the unhealthy checks in a row. */
  unreachableSince?: string;
  directories: string[];
  namespace: string;
  repoId: string;
  namespaces: StatusNamespaceDoc[];
  locks: LockStatusDoc;
  /** Only on a remote datastore. */
  remote?: RemoteStatusDoc;
}

/** One namespace of the datastore in `ds status --json`; `namespace` is "" for solo mode's layout. */
export interface StatusNamespaceDoc {
  namespace: string;
  repoId: string;
  registeredAt: string;
  isCurrent: boolean;
  state: "registered" | "missing" | "corrupt" | "solo" | "unknown";
  problem?: string;
  lease: LockEntry;
  /** When this repo last pulled that namespace's catalog (`datastore catalog pull`); absent if never. */
  catalogPulledAt?: string;
}

/** `ds catalog pull --json`. */
export interface CatalogPullDoc {
  pulled: { namespace: string; rows: number }[];
  skipped: { namespace: string; reason: string }[];
  totalRows: number;
}

/** `ds setup s3|gcs|minio|extension|filesystem --json`. */
export interface SetupDoc {
  type: string;
  /** The same as `type`. */
  datastoreType: string;
  config?: Record<string, unknown>;
  path?: string;
  filesCopied: number;
  filesPushed?: number;
  filesPulled?: number;
  bytesCopied: number;
  directoriesMigrated: string[];
  errors: string[];
  retryHint?: string;
  namespace?: string;
  hydrationStrategy?: "full" | "lazy";
  sourcePath: string;
  destinationPath: string;
  cachePath?: string;
  warnings: SetupWarning[];
}

export interface SetupWarning {
  message: string;
  /** When the datastore already holds namespaces and this setup gave none. */
  existingNamespaces?: string[];
}

/** `ds namespace list --json` (and `ds namespaces --json`). */
export interface NamespaceListDoc {
  namespaces: NamespaceRow[];
  currentNamespace?: string;
}

export interface NamespaceRow {
  namespace: string;
  /** "" when unknown (no manifest, or one that cannot be read). */
  repoId: string;
  registeredAt: string;
  isCurrent: boolean;
  state: "registered" | "missing" | "corrupt";
  /** What is wrong with the manifest and what to do; only when not registered. */
  problem?: string;
}

/** `ds namespace set <slug> --json`. */
export interface NamespaceSetDoc {
  namespace: string;
  previousNamespace?: string;
  /** The datastore folder, or the bucket's description. */
  datastorePath: string;
  /** Only when data stays at the un-namespaced path. */
  warning?: string;
  registrationSkipped: false;
}

/** `ds sync [--pull|--push] --json`. */
export interface SyncDoc {
  mode: "sync" | "pull" | "push";
  filesPulled?: number;
  filesDeleted?: number;
  filesPushed?: number;
  remoteDeleted?: number;
  /** With `--hydrate`: version content fetched after the pull. */
  filesHydrated?: number;
  rejected?: { key: string; reason: string }[];
  errors?: string[];
  /** As in `PutDoc`: always present, possibly empty. */
  rebased: RebasedDoc[];
}

/** The `remote` part of `ds status --json` on a bucket. */
export interface RemoteStatusDoc {
  store: string;
  bucket: string;
  prefix?: string;
  endpoint?: string;
  cachePath: string;
  hydrationStrategy: "full" | "lazy";
  pendingPaths: number;
  pendingBulk: boolean;
  lastPullAt?: string;
  lastPushAt?: string;
  commitSeq?: number;
}

/** One finding of `swamp doctor --json`. */
export interface DoctorFinding {
  code: string;
  subject: string;
  problem: boolean;
  message: string;
  fix: string;
}

/** `swamp doctor [--repair [-y]] --json`. */
export interface DoctorDoc {
  healthy: boolean;
  store: string;
  checks: { check: string; ok: boolean; findings: DoctorFinding[] }[];
  repairs: { code: string; subject: string; applied: boolean; error?: string }[];
}
