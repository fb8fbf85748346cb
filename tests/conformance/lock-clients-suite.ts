import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { releaseAllLeases } from "../../adapters/lease-lock/held-leases.ts";
import { LeaseLock } from "../../adapters/lease-lock/lease-lock.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Lease } from "../../core/ports/lock.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { FakeClock, flush } from "../support/fake-clock.ts";
import { TrackedStore } from "../support/tracked-store.ts";

const TTL_MS = 30_000;
const KEY = "locks/shared.lock";

export interface LockClientsFixture {
  /** A new, independent client (its own connections) on the same bucket and prefix. */
  client(): ObjectStore;
  cleanup(): Promise<void>;
}

/**
 * The lease across separate clients of one store, as separate machines would use it: no
 * client-side state is shared, so only the store's own preconditions can decide each race.
 */
export function lockClientsConformance(
  name: string,
  make: (clock: Clock) => Promise<LockClientsFixture>,
): void {
  describe(`Lock across clients: ${name}`, () => {
    let fixture: LockClientsFixture;
    let clock: FakeClock;
    const clients: TrackedStore[] = [];

    beforeEach(async () => {
      clock = new FakeClock({ settle: settleAll });
      fixture = await make(clock);
    });
    afterEach(async () => {
      await releaseAllLeases();
      clients.length = 0;
      await fixture.cleanup();
    });

    async function settleAll(): Promise<void> {
      await flush();
      for (const client of clients) await client.settle();
    }

    let pid = 1;
    function machine(lockClock: Clock = clock): LeaseLock {
      const store = new TrackedStore(fixture.client());
      clients.push(store);
      const id = pid++;
      return new LeaseLock({
        store,
        key: KEY,
        clock: lockClock,
        host: {
          hostname: `machine-${id}`,
          pid: id,
          user: "u",
          isPidAlive: () => true,
          uuid: () => crypto.randomUUID(),
        },
        random: () => 0.5,
        ttlMs: TTL_MS,
      });
    }

    function winners(results: PromiseSettledResult<Lease>[]): Lease[] {
      return results.filter((r) => r.status === "fulfilled").map((r) => r.value);
    }

    test("eight machines create a fresh lock at once: exactly one holds it", async () => {
      const locks = Array.from({ length: 8 }, () => machine());
      const won = winners(await Promise.allSettled(locks.map((lock) => lock.acquire({ maxWaitMs: 0 }))));
      expect(won).toHaveLength(1);
      expect(won[0]?.info.epoch).toBe(1);
      expect((await machine().inspect())?.info.nonce).toBe(won[0]?.info.nonce ?? "");
    });

    test("machines racing for a stale lease: one takes it over; the old holder's heartbeat and release leave it alone", async () => {
      const paused = new FakeClock({ start: clock.now(), settle: settleAll });
      const old = await machine(paused).acquire();
      await clock.advance(TTL_MS + 1000);
      const contenders = Array.from({ length: 4 }, () => machine());
      const won = winners(await Promise.allSettled(contenders.map((lock) => lock.acquire({ maxWaitMs: 0 }))));
      expect(won).toHaveLength(1);
      const successor = won[0] as Lease;
      expect(successor.info.epoch).toBe(old.info.epoch + 1);
      await paused.advance(TTL_MS / 3);
      expect(old.signal.aborted).toBe(true);
      await old.release();
      expect((await machine().inspect())?.info.nonce).toBe(successor.info.nonce);
      successor.assertHeld();
      await successor.release();
      expect(await machine().inspect()).toBeNull();
    });
  });
}
