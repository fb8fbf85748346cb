import { globalLockKey, modelLockKey, modelLockPrefix, parseModelLockKey } from "../../core/lock-keys.ts";
import type { Clock, Random } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { Lease, LockState } from "../../core/ports/lock.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { DEFAULT_LOCK_TTL_MS, DEFAULT_LOCK_WAIT_MS, LeaseLock } from "./lease-lock.ts";
import { drainTimeoutError, interruptedError, lockTimeoutError, RELEASE_COMMAND } from "./lock-errors.ts";

export interface ModelRef {
  type: string;
  id: string;
}

/** What the coordinator is waiting for, once per wait (for "Waiting for …" messages). */
export type LockWait = { kind: "global"; holder: LockState } | { kind: "models"; holders: LockState[] };

export interface LockCoordinatorOptions {
  store: ObjectStore;
  clock: Clock;
  host: Host;
  random: Random;
  /** "" in solo mode. */
  namespace: string;
  ttlMs?: number;
  /** Overall wait budget of one withStructural / withModels call (SWAMP_LOCK_TIMEOUT_MS). */
  maxWaitMs?: number;
  retryIntervalMs?: number;
  /** Per-model leases of this pid on this host do not block the drain (SWAMP_LOCK_HOLDER_PID). */
  ignorePid?: number;
  onWait?: (wait: LockWait) => void;
}

export interface LockScope {
  operation?: string;
  signal?: AbortSignal;
}

/**
 * Global vs per-model leases (SPEC §4.6). Structural commands drain per-model leases, take
 * the global lease, and drain again; per-model writers wait for the global lease to be
 * free, take their model leases in sorted order, and re-check the global one after each.
 */
export class LockCoordinator {
  readonly #options: LockCoordinatorOptions;
  readonly #ttlMs: number;
  readonly #maxWaitMs: number;
  readonly #retryMs: number;

  constructor(options: LockCoordinatorOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS;
    this.#maxWaitMs = options.maxWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    this.#retryMs = options.retryIntervalMs ?? 1000;
  }

  globalLock(): LeaseLock {
    return this.#lock(globalLockKey(this.#options.namespace));
  }

  modelLock(type: string, id: string): LeaseLock {
    return this.#lock(
      modelLockKey(this.#options.namespace, type, id),
      `${RELEASE_COMMAND} --model ${type}/${id}`,
    );
  }

  async withStructural<T>(fn: (lease: Lease) => Promise<T>, scope: LockScope = {}): Promise<T> {
    const deadline = this.#deadline();
    await this.#drain(deadline, scope.signal);
    const lease = await this.globalLock().acquire({
      maxWaitMs: this.#remaining(deadline),
      ...scope,
    });
    try {
      // A writer may have inspected the global lease just before we took it.
      await this.#drain(deadline, scope.signal);
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }

  async withModels<T>(
    models: ModelRef[],
    fn: (signal: AbortSignal, leases: Lease[]) => Promise<T>,
    scope: LockScope = {},
  ): Promise<T> {
    const deadline = this.#deadline();
    const ordered = [...new Map(models.map((m) => [`${m.type}/${m.id}`, m])).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, model]) => model);
    const leases = await this.#acquireModels(ordered, deadline, scope);
    try {
      const signals = leases.map((lease) => lease.signal);
      if (scope.signal) signals.push(scope.signal);
      return await fn(AbortSignal.any(signals), leases);
    } finally {
      await Promise.all(leases.map((lease) => lease.release()));
    }
  }

  async inspectAll(signal?: AbortSignal): Promise<{ global: LockState | null; models: LockState[] }> {
    const [global, models] = await Promise.all([
      this.globalLock().inspect(signal),
      this.#modelStates(signal),
    ]);
    return { global, models };
  }

  async #acquireModels(models: ModelRef[], deadline: number, scope: LockScope): Promise<Lease[]> {
    const global = this.globalLock();
    for (;;) {
      await this.#waitForGlobal(global, deadline, scope.signal);
      const taken: Lease[] = [];
      try {
        let blocked = false;
        for (const model of models) {
          taken.push(
            await this.modelLock(model.type, model.id).acquire({
              maxWaitMs: this.#remaining(deadline),
              ...scope,
            }),
          );
          const state = await global.inspect(scope.signal);
          if (state && !state.stale) {
            blocked = true;
            break;
          }
        }
        if (!blocked) return taken;
      } catch (error) {
        await Promise.all(taken.map((lease) => lease.release()));
        throw error;
      }
      // A structural command took the global lease meanwhile: let it drain us, then start over.
      await Promise.all(taken.map((lease) => lease.release()));
    }
  }

  async #waitForGlobal(global: LeaseLock, deadline: number, signal?: AbortSignal): Promise<void> {
    let announced = false;
    for (;;) {
      const state = await global.inspect(signal);
      if (!state) return;
      if (state.stale) {
        // Force-release exactly the stale holder, else we would see it again forever.
        await global.forceRelease(state.info.nonce);
        continue;
      }
      if (!announced) this.#options.onWait?.({ kind: "global", holder: state });
      announced = true;
      await this.#pause(deadline, signal, global.key, () =>
        lockTimeoutError(global.key, state, this.#waited(deadline)),
      );
    }
  }

  async #drain(deadline: number, signal?: AbortSignal): Promise<void> {
    const { host, ignorePid, namespace } = this.#options;
    let announced = false;
    for (;;) {
      const live = (await this.#modelStates(signal)).filter(
        (state) => !state.stale && !(state.info.pid === ignorePid && state.info.hostname === host.hostname),
      );
      if (live.length === 0) return;
      if (!announced) this.#options.onWait?.({ kind: "models", holders: live });
      announced = true;
      await this.#pause(deadline, signal, "per-model locks", () =>
        drainTimeoutError(
          live,
          (key) => {
            const model = parseModelLockKey(namespace, key);
            return model ? `${model.type}/${model.id}` : key;
          },
          this.#waited(deadline),
        ),
      );
    }
  }

  async #modelStates(signal?: AbortSignal): Promise<LockState[]> {
    const keys: string[] = [];
    for await (const object of this.#options.store.list(
      modelLockPrefix(this.#options.namespace),
      undefined,
      signal,
    )) {
      if (object.key.endsWith(".lock")) keys.push(object.key);
    }
    const states = await Promise.all(keys.map((key) => this.#lock(key).inspect(signal)));
    return states.filter((state): state is LockState => state !== null);
  }

  /** Waits one retry interval, or throws `timeout()` when the budget is spent. */
  async #pause(
    deadline: number,
    signal: AbortSignal | undefined,
    waitingFor: string,
    timeout: () => Error,
  ): Promise<void> {
    const remaining = this.#remaining(deadline);
    if (remaining <= 0) throw timeout();
    try {
      await this.#options.clock.sleep(Math.min(this.#retryMs, remaining), signal);
    } catch (error) {
      if (signal?.aborted) throw interruptedError(waitingFor);
      throw error;
    }
  }

  #lock(key: string, releaseCommand?: string): LeaseLock {
    const { store, clock, host, random } = this.#options;
    return new LeaseLock({
      store,
      key,
      clock,
      host,
      random,
      ttlMs: this.#ttlMs,
      retryIntervalMs: this.#retryMs,
      ...(releaseCommand === undefined ? {} : { releaseCommand }),
    });
  }

  #deadline(): number {
    return this.#options.clock.now() + this.#maxWaitMs;
  }

  #remaining(deadline: number): number {
    return Math.max(0, deadline - this.#options.clock.now());
  }

  #waited(deadline: number): number {
    return this.#maxWaitMs - this.#remaining(deadline);
  }
}
