import type { ModelKey } from "../../core/data-record.ts";
import { anySignal, type Deadline, type DeadlineExceeded, startDeadline } from "../../core/deadline.ts";
import type { SwampError } from "../../core/errors.ts";
import { globalLockKey, modelLockKey, modelLockPrefix, parseModelLockKey } from "../../core/lock-keys.ts";
import type { Clock, Random } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { Lease, LeaseCoordinator, LockScope, LockState } from "../../core/ports/lock.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { leaseWaitBudget } from "../../core/tunables.ts";
import type { LeaseJournal } from "./lease-journal.ts";
import { DEFAULT_LOCK_TTL_MS, DEFAULT_LOCK_WAIT_MS, LeaseLock } from "./lease-lock.ts";
import {
  drainTimeoutError,
  lockTimeoutError,
  lockUnansweredError,
  RELEASE_COMMAND,
  waitStopped,
} from "./lock-errors.ts";

/** What holds up a wait: the global lease, one model's lease, or (a structural command's drain) the per-model leases. */
export type HeldUp =
  | { kind: "global"; holder: LockState }
  | { kind: "model"; model: string; holder: LockState }
  | { kind: "models"; models: string[]; holders: LockState[] };

/**
 * Told once per wait still held up after ANNOUNCE_AFTER_MS (for the "Waiting for …" line,
 * docs/architecture.md, "Progress and waiting"): what holds it up, and how long the wait goes on.
 */
export type LockWait = HeldUp & { remainingMs: number };

/** A wait shorter than this is not worth a line. */
export const ANNOUNCE_AFTER_MS = 1000;

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
  journal?: LeaseJournal;
}

/** What waiting for leases is called in messages while draining per-model leases. */
const DRAIN_KEY = "per-model locks";

/** One wait for leases, from its start to its deadline. */
interface Wait {
  deadline: Deadline;
  /** The caller's signal and the deadline's. */
  signal: AbortSignal;
  started: number;
  /** What held the wait up last, if anything did. */
  heldUp?: HeldUp;
  /** ANNOUNCE_AFTER_MS have passed; `announced` once `onWait` was told. */
  due: boolean;
  announced: boolean;
  /** Stops the announcement's timer when the wait ends. */
  ended: AbortController;
}

export type { LockScope };

/**
 * Global vs per-model leases (docs/architecture.md, "Leases"). Structural commands drain per-model
 * leases, take the global lease, and drain again; per-model writers wait for the global lease to be
 * free, take their model leases in sorted order, and re-check the global one after each.
 */
export class LockCoordinator implements LeaseCoordinator {
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
    const wait = this.#startWait(scope.signal);
    let lease: Lease | undefined;
    try {
      await this.#drain(wait);
      lease = await this.globalLock().acquire({
        ...scope,
        maxWaitMs: this.#remaining(wait),
        signal: wait.signal,
        onHeld: (holder) => this.#heldUp(wait, { kind: "global", holder }),
      });
      // A writer may have inspected the global lease just before we took it.
      await this.#drain(wait);
    } catch (error) {
      await lease?.release();
      throw error;
    } finally {
      this.#endWait(wait);
    }
    try {
      return await fn(lease);
    } finally {
      await lease.release();
    }
  }

  async withModels<T>(
    models: ModelKey[],
    fn: (signal: AbortSignal, leases: Lease[]) => Promise<T>,
    scope: LockScope = {},
  ): Promise<T> {
    const ordered = [...new Map(models.map((m) => [`${m.type}/${m.id}`, m])).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, model]) => model);
    const wait = this.#startWait(scope.signal);
    let leases: Lease[];
    try {
      leases = await this.#acquireModels(ordered, wait, scope);
    } finally {
      this.#endWait(wait);
    }
    try {
      return await fn(anySignal(...leases.map((lease) => lease.signal), scope.signal), leases);
    } finally {
      await Promise.all(leases.map((lease) => lease.release()));
    }
  }

  inspect(key: string, signal?: AbortSignal): Promise<LockState | null> {
    return this.#lock(key).inspect(signal);
  }

  async inspectAll(signal?: AbortSignal): Promise<{ global: LockState | null; models: LockState[] }> {
    const [global, models] = await Promise.all([
      this.globalLock().inspect(signal),
      this.#modelStates(signal),
    ]);
    return { global, models };
  }

  async #acquireModels(models: ModelKey[], wait: Wait, scope: LockScope): Promise<Lease[]> {
    const global = this.globalLock();
    // The re-check after each model lease is what keeps writers and structural commands apart; a
    // look at the global lease first only saves taking leases that would be let go at once, so it
    // is made only after a structural command was seen (docs/architecture.md, "Leases").
    for (let seenStructural = false; ; seenStructural = true) {
      if (seenStructural) await this.#waitForGlobal(global, wait);
      const taken: Lease[] = [];
      try {
        let blocked = false;
        for (const model of models) {
          taken.push(
            await this.modelLock(model.type, model.id).acquire({
              ...scope,
              maxWaitMs: this.#remaining(wait),
              signal: wait.signal,
              onHeld: (holder) =>
                this.#heldUp(wait, { kind: "model", model: `${model.type}/${model.id}`, holder }),
            }),
          );
          const state = await this.#asking(wait, global.key, () => global.inspect(wait.signal), null);
          if (state?.stale) {
            // Free exactly the stale holder, as the wait does, so no command sees it again.
            await this.#asking(
              wait,
              global.key,
              () => global.forceRelease(state.info.nonce, wait.signal),
              null,
            );
          } else if (state) {
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

  async #waitForGlobal(global: LeaseLock, wait: Wait): Promise<void> {
    let holder: LockState | null = null;
    for (;;) {
      const state: LockState | null = await this.#asking(
        wait,
        global.key,
        () => global.inspect(wait.signal),
        holder,
      );
      if (!state) {
        wait.heldUp = undefined;
        return;
      }
      if (state.stale) {
        // Force-release exactly the stale holder, else we would see it again forever.
        await this.#asking(
          wait,
          global.key,
          () => global.forceRelease(state.info.nonce, wait.signal),
          holder,
        );
        continue;
      }
      this.#heldUp(wait, { kind: "global", holder: state });
      holder = state;
      await this.#pause(wait, global.key, () => lockTimeoutError(global.key, state, this.#waited(wait)));
    }
  }

  async #drain(wait: Wait): Promise<void> {
    const { host, ignorePid, namespace } = this.#options;
    const model = (key: string) => {
      const ref = parseModelLockKey(namespace, key);
      return ref ? `${ref.type}/${ref.id}` : key;
    };
    let live: LockState[] = [];
    for (;;) {
      const seen = live;
      const onDeadline = (ran: DeadlineExceeded) =>
        seen.length > 0
          ? drainTimeoutError(seen, model, this.#waited(wait))
          : this.#unanswered(DRAIN_KEY, ran);
      const states = await this.#modelStates(wait.signal).catch((error: unknown) => {
        throw waitStopped(wait.signal, error, DRAIN_KEY, onDeadline);
      });
      live = states.filter(
        (state) => !state.stale && !(state.info.pid === ignorePid && state.info.hostname === host.hostname),
      );
      if (live.length === 0) {
        wait.heldUp = undefined;
        return;
      }
      this.#heldUp(wait, { kind: "models", models: live.map((state) => model(state.key)), holders: live });
      const holders = live;
      await this.#pause(wait, DRAIN_KEY, () => drainTimeoutError(holders, model, this.#waited(wait)));
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

  /** A request of the wait; when the wait's deadline stops it, the error names `holder` if one was seen. */
  async #asking<T>(wait: Wait, key: string, call: () => Promise<T>, holder: LockState | null): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw waitStopped(wait.signal, error, key, (ran) =>
        holder ? lockTimeoutError(key, holder, this.#waited(wait)) : this.#unanswered(key, ran),
      );
    }
  }

  /** Waits one retry interval, or throws `timeout()` when the budget is spent. */
  async #pause(wait: Wait, waitingFor: string, timeout: () => SwampError): Promise<void> {
    const remaining = this.#remaining(wait);
    if (remaining <= 0) throw timeout();
    try {
      await this.#options.clock.sleep(Math.min(this.#retryMs, remaining), wait.signal);
    } catch (error) {
      throw waitStopped(wait.signal, error, waitingFor, timeout);
    }
  }

  #unanswered(key: string, ran: DeadlineExceeded): SwampError {
    return lockUnansweredError(key, this.#options.store.description, ran);
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
      ...(this.#options.journal ? { journal: this.#options.journal } : {}),
    });
  }

  /** One wait for leases: every request, retry and pause of it ends at one deadline (SWAMP_LOCK_TIMEOUT_MS). */
  #startWait(signal: AbortSignal | undefined): Wait {
    const { clock } = this.#options;
    const deadline = startDeadline(clock, leaseWaitBudget(this.#maxWaitMs));
    const wait: Wait = {
      deadline,
      signal: anySignal(signal, deadline.signal),
      started: clock.now(),
      due: false,
      announced: false,
      ended: new AbortController(),
    };
    clock.sleep(ANNOUNCE_AFTER_MS, wait.ended.signal).then(
      () => {
        wait.due = true;
        this.#announce(wait);
      },
      () => {},
    );
    return wait;
  }

  #endWait(wait: Wait): void {
    wait.ended.abort();
    wait.deadline.dispose();
  }

  #heldUp(wait: Wait, heldUp: HeldUp): void {
    wait.heldUp = heldUp;
    this.#announce(wait);
  }

  /** Once per wait, when it has lasted ANNOUNCE_AFTER_MS and something holds it up. */
  #announce(wait: Wait): void {
    if (!wait.due || wait.announced || wait.heldUp === undefined || wait.ended.signal.aborted) return;
    wait.announced = true;
    this.#options.onWait?.({ ...wait.heldUp, remainingMs: this.#remaining(wait) });
  }

  #remaining(wait: Wait): number {
    return Math.max(0, wait.deadline.at - this.#options.clock.now());
  }

  #waited(wait: Wait): number {
    return this.#options.clock.now() - wait.started;
  }
}
