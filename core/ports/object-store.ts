/**
 * The one storage interface every backend implements (filesystem, memory, S3, GCS).
 * Keys are relative, forward-slash paths under the store's root. Everything clever
 * (leases, sync) is written once above this interface.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /**
   * Opaque token that changes whenever the bytes change (S3 ETag, GCS generation, fs inode+mtime+size).
   * Rewriting identical bytes may keep it (S3's ETag is the body's MD5), so every conditional
   * writer above this port writes bytes that differ from the last (a fresh timestamp or counter).
   */
  version: string;
  /**
   * When the object was last written, on the store's own clock (ms since epoch). Absent when the
   * answer did not say (a GCS media read without `Last-Modified`): never guess it.
   */
  modifiedAt?: number;
  /** The store's clock at the time of this answer (HTTP Date, or the local clock for fs). */
  serverNow: number;
}

export interface StoredObject extends ObjectInfo {
  body: Uint8Array;
}

/** `absent`: create-only. `version`: only if the current object has exactly this version. */
export type Precondition = { absent: true } | { version: string };

export type WriteFailure = "exists" | "changed" | "missing";
export type WriteResult = { ok: true; version: string } | { ok: false; reason: WriteFailure };

export interface ObjectStore {
  /** A short description for messages, e.g. `filesystem /srv/swamp` or `s3://bucket/prefix`. */
  readonly description: string;
  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null>;
  get(key: string, signal?: AbortSignal): Promise<StoredObject | null>;
  /**
   * Writes atomically: a reader sees the old body or the new one, never a mix.
   * `{absent}` fails with "exists"; `{version}` fails with "changed" or "missing".
   */
  put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult>;
  /** Without a precondition a missing key is not an error (ok). `{version}` fails with "changed" or "missing". */
  delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult>;
  /** Every object whose key starts with `prefix`, in ascending key order, strictly after `after`. */
  list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo>;
}
