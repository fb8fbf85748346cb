import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";

/**
 * Wraps a store and counts calls in flight, so a fake clock can wait for real I/O to finish
 * (`settle`) before it moves on. Optionally fails writes, to play a holder whose heartbeats
 * cannot reach the store.
 */
export class TrackedStore implements ObjectStore {
  readonly description: string;
  inflight = 0;
  /** While true, put and delete throw a transport-like error. */
  failWrites = false;

  constructor(readonly inner: ObjectStore) {
    this.description = inner.description;
  }

  /**
   * Resolves once no call has been in flight across a few event-loop turns. Calls in flight are
   * awaited, however long the server takes (a loaded machine): the bound counts turns, not time.
   */
  async settle(): Promise<void> {
    let quietTurns = 0;
    for (let turn = 0; quietTurns < 3; turn++) {
      if (turn > 200_000) throw new Error("TrackedStore.settle: store calls never finished");
      const calls = [...this.#calls];
      if (calls.length > 0) await Promise.allSettled(calls);
      else await new Promise((resolve) => setImmediate(resolve));
      quietTurns = this.inflight === 0 ? quietTurns + 1 : 0;
    }
  }

  /** A view of the same store whose writes fail while `failWrites` is set on the view. */
  view(): TrackedStore {
    const view = new TrackedStore(this.inner);
    view.#parent = this;
    return view;
  }

  #parent: TrackedStore | undefined;
  /** Calls in flight: each request's promise, and each item a listing waits for. */
  readonly #calls = new Set<Promise<unknown>>();

  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    return this.#track(() => this.inner.head(key, signal));
  }

  get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    return this.#track(() => this.inner.get(key, signal));
  }

  put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    return this.#track(() => {
      this.#maybeFail();
      return this.inner.put(key, body, when, signal);
    });
  }

  delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    return this.#track(() => {
      this.#maybeFail();
      return this.inner.delete(key, when, signal);
    });
  }

  /** A listing counts as in flight from its first page to its end; each page it waits for is a call. */
  async *list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    const pages = this.inner.list(prefix, after, signal)[Symbol.asyncIterator]();
    this.#count(1);
    try {
      for (;;) {
        const next = pages.next();
        this.#remember(next);
        const step = await next;
        if (step.done) return;
        yield step.value;
      }
    } finally {
      this.#count(-1);
      await pages.return?.();
    }
  }

  #track<T>(call: () => Promise<T>): Promise<T> {
    this.#count(1);
    const done = (async () => {
      try {
        return await call();
      } finally {
        this.#count(-1);
      }
    })();
    this.#remember(done);
    return done;
  }

  #remember(call: Promise<unknown>): void {
    this.#calls.add(call);
    const forget = () => this.#calls.delete(call);
    call.then(forget, forget);
    if (this.#parent) this.#parent.#remember(call);
  }

  #count(delta: number): void {
    this.inflight += delta;
    if (this.#parent) this.#parent.#count(delta);
  }

  #maybeFail(): void {
    if (this.failWrites) throw new Error("simulated transport error: connection reset");
  }
}
