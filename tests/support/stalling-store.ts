import type { ObjectStore } from "../../core/ports/object-store.ts";
import { passThrough } from "./pass-through-store.ts";

export type StoreOperation = "head" | "get" | "put" | "delete" | "list";

/**
 * `inner` with a switch: while operations are stalled they do not answer, as a store behind a
 * dead network, until `resume()` lets them through or their signal aborts (rejecting with its
 * reason, as the real stores do).
 */
export class StallingStore {
  readonly store: ObjectStore;
  #stalled = new Set<StoreOperation>();
  #held = new Set<() => void>();
  #onHold: (operation: StoreOperation) => void = () => {};

  constructor(readonly inner: ObjectStore) {
    const gate = (operation: StoreOperation, signal?: AbortSignal) => this.#gate(operation, signal);
    this.store = passThrough(inner, {
      head: (key, signal) => gate("head", signal).then(() => inner.head(key, signal)),
      get: (key, signal) => gate("get", signal).then(() => inner.get(key, signal)),
      put: (key, body, when, signal) => gate("put", signal).then(() => inner.put(key, body, when, signal)),
      delete: (key, when, signal) => gate("delete", signal).then(() => inner.delete(key, when, signal)),
      async *list(prefix, after, signal) {
        await gate("list", signal);
        yield* inner.list(prefix, after, signal);
      },
    });
  }

  /** Stalls `operations` (all by default); `onHold` hears of each call held. */
  stall(
    operations: readonly StoreOperation[] = ["head", "get", "put", "delete", "list"],
    onHold: (operation: StoreOperation) => void = () => {},
  ): void {
    this.#stalled = new Set(operations);
    this.#onHold = onHold;
  }

  /** Answers again: the held calls go on to the inner store. */
  resume(): void {
    this.#stalled.clear();
    for (const release of this.#held) release();
    this.#held.clear();
  }

  /** Calls held right now. */
  get held(): number {
    return this.#held.size;
  }

  #gate(operation: StoreOperation, signal?: AbortSignal): Promise<void> {
    if (!this.#stalled.has(operation)) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const release = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#held.delete(release);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#held.add(release);
      this.#onHold(operation);
    });
  }
}
