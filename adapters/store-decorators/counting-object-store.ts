import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";

export type StoreOperation = "head" | "get" | "put" | "delete" | "list";

/**
 * Counts the calls made to a store, per operation, for tests and `bench/`. A `list` counts
 * once per call however many pages it reads; wrap it inside a RetryingObjectStore to count
 * every attempt, outside to count what callers asked for.
 */
export class CountingObjectStore implements ObjectStore {
  readonly description: string;
  readonly counts: Record<StoreOperation, number> = { head: 0, get: 0, put: 0, delete: 0, list: 0 };

  constructor(readonly inner: ObjectStore) {
    this.description = inner.description;
  }

  total(): number {
    return Object.values(this.counts).reduce((sum, n) => sum + n, 0);
  }

  reset(): void {
    for (const operation of Object.keys(this.counts) as StoreOperation[]) this.counts[operation] = 0;
  }

  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    this.counts.head++;
    return this.inner.head(key, signal);
  }

  get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    this.counts.get++;
    return this.inner.get(key, signal);
  }

  put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    this.counts.put++;
    return this.inner.put(key, body, when, signal);
  }

  delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    this.counts.delete++;
    return this.inner.delete(key, when, signal);
  }

  list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    this.counts.list++;
    return this.inner.list(prefix, after, signal);
  }
}
