import type { Clock } from "../../core/ports/clock.ts";

interface Timer {
  id: number;
  at: number;
  fire: () => void;
  everyMs?: number;
}

/** Lets pending promise callbacks and already-finished I/O callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when a test says so. `advance(ms)` fires due sleepers and
 * intervals in time order and, after each one, awaits `settle` so the code it woke up can
 * run to its next wait before the clock moves on. Code doing real I/O needs a `settle`
 * that waits for that I/O (see tracked-store.ts); the default only flushes callbacks.
 */
export class FakeClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #ids = 0;
  readonly #settle: () => Promise<void>;

  constructor(options: { start?: number; settle?: () => Promise<void> } = {}) {
    this.#now = options.start ?? Date.parse("2026-01-01T00:00:00Z");
    this.#settle = options.settle ?? flush;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#remove(timer);
        reject(signal?.reason);
      };
      const timer = this.#add(ms, () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  every(ms: number, fn: () => void): () => void {
    const timer = this.#add(Math.max(1, ms), fn, Math.max(1, ms));
    return () => this.#remove(timer);
  }

  /** Sleepers and intervals waiting on this clock. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await this.#settle();
    for (let fired = 0; ; fired++) {
      if (fired > 100_000)
        throw new Error("FakeClock.advance: more than 100 000 timers fired; runaway loop?");
      const next = this.#timers
        .filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.#now = Math.max(this.#now, next.at);
      if (next.everyMs === undefined) this.#remove(next);
      else next.at += next.everyMs;
      next.fire();
      await this.#settle();
    }
    this.#now = target;
    await this.#settle();
  }

  #add(ms: number, fire: () => void, everyMs?: number): Timer {
    const timer: Timer = { id: ++this.#ids, at: this.#now + Math.max(0, ms), fire };
    if (everyMs !== undefined) timer.everyMs = everyMs;
    this.#timers.push(timer);
    return timer;
  }

  #remove(timer: Timer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
  }
}
