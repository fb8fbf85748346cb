import { deadlineOf } from "../../core/deadline.ts";
import { failedWhile, SwampError } from "../../core/errors.ts";
import type { Clock, Random } from "../../core/ports/clock.ts";
import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";
import { isTransient } from "./transient-error.ts";

export interface RetryOptions {
  clock: Clock;
  random: Random;
  /** Tries per operation, the first included. Default 3. */
  attempts?: number;
  /** The first backoff; each next one is three times longer, all ±25 % jitter. Default 500 ms. */
  baseMs?: number;
}

/**
 * Retries any store's operations on transient failures (see transient-error.ts), with
 * jittered exponential backoff on the Clock port, and stops at once when the caller's signal
 * aborts. A backoff that would end past the deadline behind the signal does not start: the
 * caller gets the failure now rather than an abort later (docs/architecture.md, "Deadlines").
 * A conditional write retried after a transport error may meet its own first
 * attempt and report "exists" or "changed"; callers that care (the lease lock) re-read.
 */
export class RetryingObjectStore implements ObjectStore {
  readonly description: string;
  readonly #attempts: number;
  readonly #baseMs: number;

  constructor(
    readonly inner: ObjectStore,
    private readonly options: RetryOptions,
  ) {
    this.description = inner.description;
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.#baseMs = options.baseMs ?? 500;
  }

  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    return this.#retry(() => this.inner.head(key, signal), signal);
  }

  get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    return this.#retry(() => this.inner.get(key, signal), signal);
  }

  put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    return this.#retry(() => this.inner.put(key, body, when, signal), signal);
  }

  delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    return this.#retry(() => this.inner.delete(key, when, signal), signal);
  }

  /** A listing that fails part-way resumes after the last key it yielded. */
  async *list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    let last = after;
    for (let failures = 0; ; ) {
      try {
        for await (const info of this.inner.list(prefix, last, signal)) {
          last = info.key;
          failures = 0;
          yield info;
        }
        return;
      } catch (error) {
        failures++;
        await this.#backoffOrThrow(error, failures, signal);
      }
    }
  }

  async #retry<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        await this.#backoffOrThrow(error, attempt, signal);
      }
    }
  }

  async #backoffOrThrow(error: unknown, attempt: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    if (!isTransient(error)) throw error;
    if (attempt >= this.#attempts) throw gaveUp(error, `after ${attempt} attempts`);
    const jitter = 0.75 + 0.5 * this.options.random();
    const delayMs = this.#baseMs * 3 ** (attempt - 1) * jitter;
    const deadline = deadlineOf(signal);
    if (deadline !== undefined && this.options.clock.now() + delayMs >= deadline) {
      throw gaveUp(error, `after ${attempt} attempt(s): another would start past the deadline`);
    }
    await this.options.clock.sleep(delayMs, signal);
  }
}

/** The last failure, with the attempts made in its cause chain (the message stays the failure's own). */
function gaveUp(error: unknown, why: string): unknown {
  if (!(error instanceof SwampError)) return error;
  return failedWhile(error.code, `gave up ${why}`, error, undefined, error.details);
}
