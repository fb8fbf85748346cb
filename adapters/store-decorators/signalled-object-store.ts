import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";

/**
 * Every call carries `signal` besides its own: one deadline over code whose calls pass none
 * (e.g. a lease's forceRelease).
 */
export class SignalledObjectStore implements ObjectStore {
  readonly description: string;

  constructor(
    private readonly inner: ObjectStore,
    private readonly signal: AbortSignal,
  ) {
    this.description = inner.description;
  }

  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    return this.inner.head(key, this.#with(signal));
  }

  get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    return this.inner.get(key, this.#with(signal));
  }

  put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    return this.inner.put(key, body, when, this.#with(signal));
  }

  delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    return this.inner.delete(key, when, this.#with(signal));
  }

  list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix, after, this.#with(signal));
  }

  #with(signal: AbortSignal | undefined): AbortSignal {
    return signal ? AbortSignal.any([signal, this.signal]) : this.signal;
  }
}
