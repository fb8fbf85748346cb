import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { heldLeaseCount, releaseAllLeases, takeLeftBehind } from "../../adapters/lease-lock/held-leases.ts";
import type { LockWait } from "../../adapters/lease-lock/lock-coordinator.ts";
import type { SwampError } from "../../core/errors.ts";
import { globalLockKey, modelLockKey } from "../../core/lock-keys.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Lease } from "../../core/ports/lock.ts";
import type { ObjectStore, Precondition, WriteResult } from "../../core/ports/object-store.ts";
import { flush } from "../support/fake-clock.ts";
import { type LockStoreFixture, LockWorld, TTL_MS } from "../support/lock-world.ts";
import { passThrough } from "../support/pass-through-store.ts";
import { StallingStore } from "../support/stalling-store.ts";
import { swampFailure } from "../support/swamp-failure.ts";
import { withoutModifiedAt } from "../support/timeless-store.ts";

/** Settled state of a promise without waiting for it. */
async function peek(promise: Promise<unknown>): Promise<"pending" | "resolved" | "rejected"> {
  let state: "pending" | "resolved" | "rejected" = "pending";
  promise.then(
    () => {
      state = "resolved";
    },
    () => {
      state = "rejected";
    },
  );
  await flush();
  return state;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A store whose next put lands but then reports `outcome`, as a retrying client would after a lost response. */
function landsThenFails(inner: ObjectStore, outcome: "exists" | "changed" | "throw"): ObjectStore {
  let armed = true;
  return passThrough(inner, {
    async put(
      key: string,
      body: Uint8Array,
      when?: Precondition,
      signal?: AbortSignal,
    ): Promise<WriteResult> {
      const result = await inner.put(key, body, when, signal);
      if (!armed || !result.ok) return result;
      armed = false;
      if (outcome === "throw") throw new Error("socket hang up");
      return { ok: false, reason: outcome };
    },
  });
}

/**
 * Every Lock implementation over every ObjectStore must pass this: acquire, inspect, release,
 * withLock and forceRelease by nonce, plus races, takeovers and the coordinator
 * (docs/architecture.md, "Leases"). Time is fake.
 */
export function lockConformance(name: string, makeStore: (clock: Clock) => Promise<LockStoreFixture>): void {
  describe(`Lock conformance: ${name}`, () => {
    let world: LockWorld;
    beforeEach(async () => {
      world = await LockWorld.create(makeStore);
    });
    afterEach(async () => {
      await releaseAllLeases();
      await world.cleanup();
    });

    describe("basics", () => {
      test("inspect is null when free", async () => {
        const lock = world.lock();
        expect(await lock.inspect()).toBeNull();
        await (await lock.acquire()).release();
        expect(await lock.inspect()).toBeNull();
      });

      test("acquire: the lease info is typed and inspect shows it", async () => {
        const host = world.host();
        const lock = world.lock({ host });
        const lease = await lock.acquire({ operation: "data put" });
        expect(typeof lease.info.holder).toBe("string");
        expect(lease.info.holder).toBe(`${host.user}@${host.hostname}`);
        expect(lease.info.pid).toBe(host.pid);
        expect(typeof lease.info.acquiredAt).toBe("string");
        expect(lease.info.ttlMs).toBe(TTL_MS);
        expect(lease.info.epoch).toBe(1);
        expect(lease.info.operation).toBe("data put");
        const state = await lock.inspect();
        expect(state?.info.nonce).toBe(lease.info.nonce);
        expect(state?.stale).toBe(false);
        expect(state?.expiresInMs).toBeGreaterThan(0);
        lease.assertHeld();
        await lease.release();
      });

      test("release frees the lock, is idempotent, and ends the lease", async () => {
        const lock = world.lock();
        const lease = await lock.acquire();
        await lease.release();
        await lease.release();
        expect(await lock.inspect()).toBeNull();
        expect(lease.signal.aborted).toBe(true);
        expect(() => lease.assertHeld()).toThrow();
      });

      test("withLock returns the value and releases, also when fn throws", async () => {
        const lock = world.lock();
        expect(await lock.withLock(async () => 42)).toBe(42);
        expect(await lock.inspect()).toBeNull();
        await expect(
          lock.withLock(async () => {
            throw new Error("boom");
          }),
        ).rejects.toThrow("boom");
        expect(await lock.inspect()).toBeNull();
      });

      test("forceRelease: the right nonce frees it, a wrong one keeps it", async () => {
        const lock = world.lock();
        const lease = await lock.acquire();
        expect(await lock.forceRelease("not-the-nonce")).toBe(false);
        expect((await lock.inspect())?.info.nonce).toBe(lease.info.nonce);
        expect(await lock.forceRelease(lease.info.nonce)).toBe(true);
        expect(await lock.inspect()).toBeNull();
        expect(await lock.forceRelease(lease.info.nonce)).toBe(false);
      });

      test("held leases are registered process-wide and releaseAllLeases frees them", async () => {
        const before = heldLeaseCount();
        const a = world.lock({ key: "one.lock" });
        const b = world.lock({ key: "two.lock" });
        await a.acquire();
        await b.acquire();
        expect(heldLeaseCount()).toBe(before + 2);
        await releaseAllLeases();
        expect(heldLeaseCount()).toBe(0);
        expect(await a.inspect()).toBeNull();
        expect(await b.inspect()).toBeNull();
      });

      test("an aborted signal interrupts a waiting acquire", async () => {
        await world.lock().acquire();
        const controller = new AbortController();
        const waiting = swampFailure(world.lock().acquire({ signal: controller.signal }));
        await world.clock.advance(1500);
        controller.abort();
        expect((await waiting).code).toBe("interrupted");
      });
    });

    describe("two holders", () => {
      test("B times out naming A, then acquires once A releases, with a new nonce and a higher epoch", async () => {
        const a = world.lock();
        const leaseA = await a.acquire();
        const b = world.lock();
        const waiting = swampFailure(b.acquire({ maxWaitMs: 3000 }));
        await world.clock.advance(4000);
        const error = await waiting;
        expect(error.code).toBe("lock_timeout");
        expect(error.message).toContain(`held by ${leaseA.info.holder} (pid ${leaseA.info.pid})`);
        expect(error.message).toContain("swamp datastore lock release --force");
        expect(error.details).toMatchObject({ holder: { nonce: leaseA.info.nonce } });
        await leaseA.release();
        const leaseB = await b.acquire({ maxWaitMs: 0 });
        expect(leaseB.info.nonce).not.toBe(leaseA.info.nonce);
        expect(leaseB.info.epoch).toBeGreaterThan(leaseA.info.epoch);
        await leaseB.release();
      });

      test("a waiter gets the lock as soon as the holder releases", async () => {
        const leaseA = await world.lock().acquire();
        const waiting = world.lock().acquire({ maxWaitMs: 60_000 });
        await world.clock.advance(5000);
        expect(await peek(waiting)).toBe("pending");
        await leaseA.release();
        await world.clock.advance(10_000);
        expect(await peek(waiting)).toBe("resolved");
        await (await waiting).release();
      });

      test("a live holder's heartbeats keep its lease across many ttls", async () => {
        const lock = world.lock();
        const lease = await lock.acquire();
        await world.clock.advance(TTL_MS * 4);
        expect(lease.signal.aborted).toBe(false);
        const state = await lock.inspect();
        expect(state?.stale).toBe(false);
        expect(state?.ageMs).toBeLessThan(TTL_MS);
        expect((await swampFailure(world.lock().acquire({ maxWaitMs: 0 }))).code).toBe("lock_timeout");
        await lease.release();
      });

      test("epoch strictly increases over sequential acquisitions", async () => {
        const epochs: number[] = [];
        for (let i = 0; i < 5; i++) {
          const lease = await world.lock().acquire();
          epochs.push(lease.info.epoch);
          await lease.release();
        }
        expect(epochs).toEqual([1, 2, 3, 4, 5]);
      });
    });

    describe("takeover races", () => {
      test("a paused holder is taken over after the ttl; its next heartbeat finds the lease changed", async () => {
        const pausedClock = world.pausedClock();
        const a = world.lock({ clock: pausedClock });
        const leaseA = await a.acquire();
        const b = world.lock();
        const taking = b.acquire({ maxWaitMs: 60_000 });
        await world.clock.advance(TTL_MS - 1000);
        expect(await peek(taking)).toBe("pending");
        await world.clock.advance(10_000);
        const leaseB = await taking;
        expect(leaseB.info.epoch).toBe(leaseA.info.epoch + 1);
        expect(leaseA.signal.aborted).toBe(false);
        await pausedClock.advance(TTL_MS / 3);
        expect(leaseA.signal.aborted).toBe(true);
        const reason = leaseA.signal.reason as SwampError;
        expect(reason.code).toBe("lock_lost");
        expect(reason.message).toContain(leaseB.info.holder);
        expect(() => leaseA.assertHeld()).toThrow(reason);
        expect((await b.inspect())?.info.nonce).toBe(leaseB.info.nonce);
        leaseB.assertHeld();
        await leaseB.release();
      });

      test("release never replaces a successor's lease", async () => {
        const a = world.lock({ clock: world.pausedClock() });
        const leaseA = await a.acquire();
        await world.clock.advance(TTL_MS + 1000);
        const leaseB = await world.lock().acquire({ maxWaitMs: 0 });
        await leaseA.release();
        const state = await a.inspect();
        expect(state?.info.nonce).toBe(leaseB.info.nonce);
        expect(state?.stale).toBe(false);
        leaseB.assertHeld();
        await leaseB.release();
      });

      test("two contenders for one stale lease: exactly one takes it over", async () => {
        await world.lock({ clock: world.pausedClock() }).acquire();
        await world.clock.advance(TTL_MS + 1000);
        const results = await Promise.allSettled([
          world.lock().acquire({ maxWaitMs: 0 }),
          world.lock().acquire({ maxWaitMs: 0 }),
          world.lock().acquire({ maxWaitMs: 0 }),
        ]);
        const won = results.filter((r): r is PromiseFulfilledResult<Lease> => r.status === "fulfilled");
        expect(won).toHaveLength(1);
        for (const r of results) {
          if (r.status === "rejected") expect((r.reason as SwampError).code).toBe("lock_timeout");
        }
        expect((await world.lock().inspect())?.info.nonce).toBe(won[0]?.value.info.nonce ?? "");
      });

      test("a holder that cannot renew revokes itself before anyone may take over", async () => {
        const view = world.store.view();
        const lock = world.lock({ store: view });
        const lease = await lock.acquire();
        view.failWrites = true;
        await world.clock.advance(TTL_MS / 3);
        expect(lease.signal.aborted).toBe(false);
        await world.clock.advance(TTL_MS / 3);
        expect(lease.signal.aborted).toBe(true);
        expect((lease.signal.reason as SwampError).code).toBe("lock_lost");
        expect((lease.signal.reason as SwampError).message).toContain("could not be renewed");
        // Others still wait for the ttl: the store cannot know the holder gave up.
        expect((await lock.inspect())?.stale).toBe(false);
        await world.clock.advance(TTL_MS / 3 + 1000);
        const successor = await world.lock().acquire({ maxWaitMs: 0 });
        await successor.release();
      });

      test("a same-host holder with a dead pid is stale at once; on another host it is not", async () => {
        const deadHost = world.host("host-a");
        await world.lock({ host: deadHost, clock: world.pausedClock() }).acquire();
        world.kill(deadHost);
        const hereHost = world.host("host-a");
        const here = world.lock({ host: hereHost });
        expect(await here.inspect()).toMatchObject({ stale: true, staleReason: "holder_dead" });
        await here.acquire({ maxWaitMs: 0 });

        const remoteView = world.lock({ host: world.host("host-b") });
        world.kill(hereHost);
        expect((await remoteView.inspect())?.stale).toBe(false);
        expect((await swampFailure(remoteView.acquire({ maxWaitMs: 0 }))).code).toBe("lock_timeout");
      });

      test("a write that landed but reported exists or threw is recognised by its nonce", async () => {
        for (const outcome of ["exists", "changed", "throw"] as const) {
          const store = landsThenFails(world.store, outcome);
          const lock = world.lock({ store, key: `retried-${outcome}.lock` });
          if (outcome === "changed") await (await world.lock({ key: lock.key }).acquire()).release();
          const lease = await lock.acquire({ maxWaitMs: 0 });
          expect((await lock.inspect())?.info.nonce).toBe(lease.info.nonce);
          await lease.release();
          expect(await lock.inspect()).toBeNull();
        }
      });
    });

    describe("corrupt lock objects", () => {
      test("are reported as corrupt, block until cleared, and forceRelease of their nonce frees them", async () => {
        const lock = world.lock();
        const written = await world.store.put(lock.key, new TextEncoder().encode("{not json"));
        if (!written.ok) throw new Error("put failed");
        const state = await lock.inspect();
        expect(state?.corrupt).toBe(true);
        expect(state?.stale).toBe(false);
        expect(state?.info.nonce).toBe(`corrupt:${written.version}`);
        const waiting = swampFailure(lock.acquire({ maxWaitMs: 2000 }));
        await world.clock.advance(3000);
        const error = await waiting;
        expect(error.code).toBe("lock_timeout");
        expect(error.message).toContain("corrupt");
        expect(error.message).toContain("swamp datastore lock release --force");
        expect(await lock.forceRelease("corrupt:other")).toBe(false);
        expect(await lock.forceRelease(state?.info.nonce ?? "")).toBe(true);
        expect(await lock.inspect()).toBeNull();
        await (await lock.acquire({ maxWaitMs: 0 })).release();
      });

      test("a body asking for a ttl beyond 24 h (or not finite) is corrupt, taken over by the reader's ttl", async () => {
        const lock = world.lock();
        for (const ttlMs of ["1e300", "1e309", "86400001"]) {
          const body = `{"holder":"x@y","hostname":"y","pid":1,"acquiredAt":"2026-01-01T00:00:00Z","ttlMs":${ttlMs},"nonce":"n","epoch":4}`;
          await world.store.put(lock.key, new TextEncoder().encode(body));
          expect(await lock.inspect()).toMatchObject({ corrupt: true, stale: false });
        }
        await world.clock.advance(TTL_MS + 1000);
        expect((await lock.inspect())?.stale).toBe(true);
        const lease = await lock.acquire({ maxWaitMs: 0 });
        expect(lease.info.ttlMs).toBe(TTL_MS);
        await lease.release();
      });

      test("are taken over once older than the ttl", async () => {
        const lock = world.lock();
        await world.store.put(lock.key, new TextEncoder().encode("\u0000garbage"));
        await world.clock.advance(TTL_MS + 1000);
        expect((await lock.inspect())?.stale).toBe(true);
        const lease = await lock.acquire({ maxWaitMs: 0 });
        expect(lease.info.epoch).toBe(1);
        await lease.release();
      });
    });

    describe("a store that never says when an object was written", () => {
      test("a lease is never taken over by its age, only when its holder is gone or by force", async () => {
        const blind = withoutModifiedAt(world.store, ["get", "head", "list"]);
        const holder = world.host("host-a");
        const lease = await world.lock({ store: blind, host: holder, clock: world.pausedClock() }).acquire();
        await world.clock.advance(TTL_MS * 3);
        const elsewhere = world.lock({ store: blind, host: world.host("host-b") });
        const state = await elsewhere.inspect();
        expect(state).toMatchObject({ stale: false, expiresInMs: TTL_MS });
        expect(state?.ageMs).toBeUndefined();
        expect((await swampFailure(elsewhere.acquire({ maxWaitMs: 0 }))).code).toBe("lock_timeout");
        world.kill(holder);
        expect(await world.lock({ store: blind, host: world.host("host-a") }).inspect()).toMatchObject({
          stale: true,
          staleReason: "holder_dead",
        });
        expect(await elsewhere.forceRelease(lease.info.nonce)).toBe(true);
      });
    });

    describe("deadlines and leaving", () => {
      test("the lease wait covers its requests: a store that never answers fails at maxWaitMs, naming the store", async () => {
        const stalling = new StallingStore(world.store);
        stalling.stall();
        const waiting = swampFailure(world.lock({ store: stalling.store }).acquire({ maxWaitMs: 5000 }));
        await world.clock.advance(4999);
        expect(await peek(waiting)).toBe("pending");
        await world.clock.advance(1);
        const error = await waiting;
        expect(error.code).toBe("lock_timeout");
        expect(error.message).toContain(world.store.description);
        expect(error.message).toContain("SWAMP_LOCK_TIMEOUT_MS");
        expect(stalling.held).toBe(0);
      });

      test("so does the coordinator's: withModels on a store that never answers fails at maxWaitMs", async () => {
        const stalling = new StallingStore(world.store);
        stalling.stall();
        const running = swampFailure(
          world
            .coordinator({ store: stalling.store, maxWaitMs: 3000 })
            .withModels([{ type: "t", id: "1" }], async () => "never"),
        );
        await world.clock.advance(3000);
        const error = await running;
        expect(error.code).toBe("lock_timeout");
        expect(error.message).toContain("did not answer within the lease wait of 3 s");
        expect(stalling.held).toBe(0);
      });

      test("a release gives up after its own short deadline and says which lease stays and how to free it", async () => {
        const stalling = new StallingStore(world.store);
        const lock = world.lock({ store: stalling.store, key: "stuck.lock" });
        const lease = await lock.acquire();
        takeLeftBehind();
        stalling.stall(["put", "get"]);
        const releasing = lease.release();
        await world.clock.advance(2999);
        expect(await peek(releasing)).toBe("pending");
        await world.clock.advance(1);
        await releasing;
        const [message, ...more] = takeLeftBehind();
        expect(more).toEqual([]);
        expect(message).toContain(`"stuck.lock" on ${world.store.description} may still be held`);
        expect(message).toContain("swamp datastore lock release --force");
        stalling.resume();
        expect((await lock.inspect())?.info.nonce).toBe(lease.info.nonce);
      });

      test("an interrupt while the lock write is in flight: releaseAllLeases waits for it and frees what it took", async () => {
        const stalling = new StallingStore(world.store);
        const lock = world.lock({ store: stalling.store });
        const writing = deferred();
        stalling.stall(["put"], () => writing.resolve());
        const interrupt = new AbortController();
        const acquiring = swampFailure(lock.acquire({ signal: interrupt.signal }));
        await writing.promise;
        interrupt.abort();
        const releasing = releaseAllLeases();
        expect(await peek(releasing)).toBe("pending");
        stalling.resume();
        await releasing;
        expect((await acquiring).code).toBe("interrupted");
        expect(await lock.inspect()).toBeNull();
        expect(heldLeaseCount()).toBe(0);
      });

      test("a release already in flight keeps its lease listed until it lands", async () => {
        const stalling = new StallingStore(world.store);
        const lock = world.lock({ store: stalling.store });
        const lease = await lock.acquire();
        const writing = deferred();
        stalling.stall(["put"], () => writing.resolve());
        const own = lease.release();
        await writing.promise;
        const all = releaseAllLeases();
        expect(await peek(all)).toBe("pending");
        stalling.resume();
        await Promise.all([own, all]);
        expect(await lock.inspect()).toBeNull();
      });
    });

    describe("coordinator", () => {
      test("structural waits for a live model lease and proceeds once it is released", async () => {
        const writer = world.coordinator();
        const modelLease = await writer.modelLock("aws-ec2", "web").acquire();
        const waits: string[] = [];
        const structural = world.coordinator({ onWait: (w) => waits.push(w.kind) });
        let ran = false;
        const running = structural.withStructural(async () => {
          ran = true;
          return "done";
        });
        await world.clock.advance(5000);
        expect(ran).toBe(false);
        expect(waits).toEqual(["models"]);
        await modelLease.release();
        await world.clock.advance(2000);
        expect(await running).toBe("done");
        expect(ran).toBe(true);
        expect(await structural.globalLock().inspect()).toBeNull();
      });

      test("a writer held up by another's model lease is told once, after 1 s, who holds it and how long it waits", async () => {
        const other = world.coordinator();
        const held = await other.modelLock("t", "1").acquire({ operation: "data put" });
        const waits: LockWait[] = [];
        const writer = world.coordinator({ maxWaitMs: 10_000, onWait: (w) => waits.push(w) });
        const running = writer.withModels([{ type: "t", id: "1" }], async () => "ran");
        await world.clock.advance(500);
        expect(waits).toEqual([]);
        await world.clock.advance(1500);
        expect(waits.length).toBe(1);
        const wait = waits[0];
        if (wait?.kind !== "model") throw new Error(`expected a model wait, got ${JSON.stringify(wait)}`);
        expect(wait.model).toBe("t/1");
        expect(wait.holder.info.nonce).toBe(held.info.nonce);
        expect(wait.holder.info.operation).toBe("data put");
        expect(wait.remainingMs).toBeGreaterThan(7000);
        expect(wait.remainingMs).toBeLessThanOrEqual(9000);
        await world.clock.advance(3000);
        expect(waits.length).toBe(1);
        await held.release();
        await world.clock.advance(2000);
        expect(await running).toBe("ran");
      });

      test("a wait that is not held up for 1 s is not announced", async () => {
        const waits: LockWait[] = [];
        const writer = world.coordinator({ onWait: (w) => waits.push(w) });
        expect(await writer.withModels([{ type: "t", id: "1" }], async () => "ran")).toBe("ran");
        await world.clock.advance(2000);
        expect(waits).toEqual([]);
      });

      test("structural times out naming the per-model holders", async () => {
        const writer = world.coordinator();
        const lease = await writer.modelLock("aws-ec2", "web").acquire();
        const running = swampFailure(
          world.coordinator({ maxWaitMs: 3000 }).withStructural(async () => "never"),
        );
        await world.clock.advance(4000);
        const error = await running;
        expect(error.code).toBe("lock_timeout");
        expect(error.message).toContain("per-model locks");
        expect(error.message).toContain(`aws-ec2/web by ${lease.info.holder}`);
        expect(error.message).toContain("swamp datastore lock release --force --model aws-ec2/web");
        await lease.release();
      });

      test("withModels times out on a live model lease, naming the command that clears it", async () => {
        await world.coordinator().modelLock("t", "1").acquire();
        const running = swampFailure(
          world.coordinator({ maxWaitMs: 2000 }).withModels([{ type: "t", id: "1" }], async () => 1),
        );
        await world.clock.advance(3000);
        const error = await running;
        expect(error.code).toBe("lock_timeout");
        expect(error.message).toContain("swamp datastore lock release --force --model t/1");
      });

      test("the drain skips model leases of the ignored pid on this host", async () => {
        const parent = world.host("host-a");
        await world.coordinator({ host: parent }).modelLock("t", "m").acquire();
        const child = world.coordinator({ host: world.host("host-a"), ignorePid: parent.pid });
        expect(await child.withStructural(async () => "ran")).toBe("ran");
        const elsewhere = world.coordinator({
          host: world.host("host-b"),
          ignorePid: parent.pid,
          maxWaitMs: 0,
        });
        expect((await swampFailure(elsewhere.withStructural(async () => "never"))).code).toBe("lock_timeout");
      });

      test("withModels waits for a live global lease", async () => {
        const structural = world.coordinator();
        const globalLease = await structural.globalLock().acquire();
        const writer = world.coordinator({ onWait: (w) => expect(w.kind).toBe("global") });
        let ran = false;
        const running = writer.withModels([{ type: "t", id: "1" }], async (_signal, leases) => {
          ran = true;
          return leases.map((l) => l.key);
        });
        await world.clock.advance(5000);
        expect(ran).toBe(false);
        await globalLease.release();
        await world.clock.advance(2000);
        expect(await running).toEqual([modelLockKey("ns", "t", "1")]);
        expect((await writer.inspectAll()).models).toEqual([]);
      });

      test("withModels looks at the global lease only after writing its model lease, once per model", async () => {
        const seen: string[] = [];
        const global = globalLockKey("ns");
        const model = modelLockKey("ns", "t", "1");
        const recording = passThrough(world.store, {
          get: (key, signal) => {
            seen.push(`get ${key}`);
            return world.store.get(key, signal);
          },
          put: (key, body, when, signal) => {
            seen.push(`put ${key}`);
            return world.store.put(key, body, when, signal);
          },
        });
        const writer = world.coordinator({ store: recording });
        expect(await writer.withModels([{ type: "t", id: "1" }], async () => "ran")).toBe("ran");
        const reads = seen.filter((op) => op === `get ${global}`);
        expect(reads).toHaveLength(1);
        expect(seen.indexOf(`get ${global}`)).toBeGreaterThan(seen.indexOf(`put ${model}`));
        expect(seen.indexOf(`put ${model}`)).toBeGreaterThan(-1);
      });

      test("a structural command that takes the global lease after a writer's check drains that writer", async () => {
        const writer = world.coordinator();
        const order: string[] = [];
        let structural: Promise<string> | undefined;
        const running = writer.withModels([{ type: "t", id: "1" }], async () => {
          structural = world.coordinator().withStructural(async () => {
            order.push("structural");
            return "structural";
          });
          await world.clock.advance(3000);
          order.push("writer");
          return "writer";
        });
        expect(await running).toBe("writer");
        await world.clock.advance(2000);
        expect(await structural).toBe("structural");
        expect(order).toEqual(["writer", "structural"]);
      });

      test("withModels times out on a live global lease, naming its holder", async () => {
        const globalLease = await world.coordinator().globalLock().acquire();
        const running = swampFailure(
          world.coordinator({ maxWaitMs: 2000 }).withModels([{ type: "t", id: "1" }], async () => 1),
        );
        await world.clock.advance(3000);
        const error = await running;
        expect(error.code).toBe("lock_timeout");
        expect(error.message).toContain(globalLease.info.holder);
        expect(error.message).toContain(globalLockKey("ns"));
      });

      test("withModels force-releases a stale global lease and goes on", async () => {
        const paused = world.coordinator({ clock: world.pausedClock() });
        await paused.globalLock().acquire();
        const running = world.coordinator().withModels([{ type: "t", id: "1" }], async () => "ran");
        await world.clock.advance(TTL_MS + 5000);
        expect(await running).toBe("ran");
        expect(await paused.globalLock().inspect()).toBeNull();
      });

      test("withModels sorts and dedupes models, and its signal aborts when a model lease is lost", async () => {
        const writer = world.coordinator();
        const breaker = world.coordinator();
        const released = deferred();
        const running = writer.withModels(
          [
            { type: "b", id: "2" },
            { type: "a", id: "1" },
            { type: "b", id: "2" },
          ],
          async (signal, leases) => {
            const keys = leases.map((l) => l.key);
            const lost = deferred();
            signal.addEventListener("abort", () => lost.resolve(), { once: true });
            const a1 = leases[0];
            if (a1) await breaker.modelLock("a", "1").forceRelease(a1.info.nonce);
            released.resolve();
            // The heartbeat notices on its next tick (driven below).
            await lost.promise;
            return { keys, reason: (signal.reason as SwampError).code };
          },
        );
        // Only once the leases are held (their heartbeats scheduled) and one was broken: on a slow
        // store, advancing earlier would fire no heartbeat and leave the test waiting forever.
        await released.promise;
        await world.clock.advance(TTL_MS / 3 + 100);
        expect(await running).toEqual({
          keys: [modelLockKey("ns", "a", "1"), modelLockKey("ns", "b", "2")],
          reason: "lock_lost",
        });
      });

      test("inspectAll reports the global lease and every model lease", async () => {
        const c = world.coordinator();
        expect(await c.inspectAll()).toEqual({ global: null, models: [] });
        const g = await c.globalLock().acquire();
        const m1 = await c.modelLock("x", "1").acquire();
        const m2 = await c.modelLock("@org/y", "2").acquire();
        const all = await c.inspectAll();
        expect(all.global?.info.nonce).toBe(g.info.nonce);
        expect(all.models.map((m) => m.info.nonce).sort()).toEqual([m1.info.nonce, m2.info.nonce].sort());
        await m1.release();
        expect((await c.inspectAll()).models.map((m) => m.key)).toEqual([modelLockKey("ns", "@org/y", "2")]);
      });
    });
  });
}
