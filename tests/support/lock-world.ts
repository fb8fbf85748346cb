import { LeaseLock } from "../../adapters/lease-lock/lease-lock.ts";
import { LockCoordinator, type LockCoordinatorOptions } from "../../adapters/lease-lock/lock-coordinator.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { FakeClock, flush } from "./fake-clock.ts";
import { TrackedStore } from "./tracked-store.ts";

export const TTL_MS = 30_000;

export interface LockStoreFixture {
  store: ObjectStore;
  cleanup(): Promise<void>;
}

/**
 * Processes sharing one store, on fake time. Each "process" is a Host with its own pid;
 * `kill` marks a pid dead. A process that is paused (SIGSTOP, a long GC) gets a clock of its
 * own that the test does not advance, so its heartbeats stop while the world moves on.
 */
export class LockWorld {
  readonly store: TrackedStore;
  readonly clock: FakeClock;
  readonly #alive = new Set<string>();
  #nextPid = 1000;

  readonly cleanup: () => Promise<void>;

  private constructor(clock: FakeClock, fixture: LockStoreFixture) {
    this.clock = clock;
    this.store = new TrackedStore(fixture.store);
    this.cleanup = fixture.cleanup;
  }

  static async create(makeStore: (clock: Clock) => Promise<LockStoreFixture>): Promise<LockWorld> {
    let world: LockWorld | undefined;
    const clock = new FakeClock({ settle: () => world?.settle() ?? flush() });
    world = new LockWorld(clock, await makeStore(clock));
    return world;
  }

  settle(): Promise<void> {
    return this.store.settle();
  }

  host(hostname = "host-a", pid = this.#nextPid++): Host {
    const alive = this.#alive;
    alive.add(`${hostname}:${pid}`);
    return {
      hostname,
      pid,
      user: `user${pid}`,
      isPidAlive: (other) => alive.has(`${hostname}:${other}`),
      uuid: () => crypto.randomUUID(),
    };
  }

  kill(host: Host): void {
    this.#alive.delete(`${host.hostname}:${host.pid}`);
  }

  pausedClock(): FakeClock {
    return new FakeClock({ start: this.clock.now(), settle: () => this.settle() });
  }

  lock(
    options: { key?: string; host?: Host; clock?: Clock; store?: ObjectStore; ttlMs?: number } = {},
  ): LeaseLock {
    return new LeaseLock({
      store: options.store ?? this.store,
      key: options.key ?? "locks/test.lock",
      clock: options.clock ?? this.clock,
      host: options.host ?? this.host(),
      random: () => 0.5,
      ttlMs: options.ttlMs ?? TTL_MS,
    });
  }

  coordinator(
    options: Partial<Omit<LockCoordinatorOptions, "store" | "random">> & { store?: ObjectStore } = {},
  ): LockCoordinator {
    return new LockCoordinator({
      namespace: "ns",
      clock: this.clock,
      host: this.host(),
      ttlMs: TTL_MS,
      maxWaitMs: 60_000,
      ...options,
      store: options.store ?? this.store,
      random: () => 0.5,
    });
  }
}
