import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseAllLeases } from "../../../adapters/lease-lock/held-leases.ts";
import { FileLeaseJournal } from "../../../adapters/lease-lock/lease-journal.ts";
import { LeaseLock } from "../../../adapters/lease-lock/lease-lock.ts";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import type { Host } from "../../../core/ports/host.ts";
import type { ObjectStore } from "../../../core/ports/object-store.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { passThrough } from "../../support/pass-through-store.ts";
import { swampFailure } from "../../support/swamp-failure.ts";

const host = (pid: number, alive: Set<number>): Host => ({
  hostname: "box",
  pid,
  user: "me",
  isPidAlive: (p) => alive.has(p),
  uuid: () => crypto.randomUUID(),
});

describe("FileLeaseJournal", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "swamp-journal-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("frees the leases of processes that are gone, keeps live ones and forgets what it freed", async () => {
    const alive = new Set([1, 3]);
    await new FileLeaseJournal(dir, host(1, alive)).record("live.lock", "n1");
    await new FileLeaseJournal(dir, host(2, alive)).record("dead.lock", "n2");
    const released: string[] = [];
    const freed = await new FileLeaseJournal(dir, host(3, alive)).recover(async (key, nonce) => {
      released.push(`${key}:${nonce}`);
      return true;
    });
    expect(released).toEqual(["dead.lock:n2"]);
    expect(freed).toEqual(["dead.lock"]);
    expect((await readdir(dir)).length).toBe(1);
  });

  test("an entry whose release failed stays for the next command; one already free is forgotten", async () => {
    const journal = new FileLeaseJournal(dir, host(9, new Set()));
    await journal.record("a.lock", "na");
    await journal.record("b.lock", "nb");
    const freed = await journal.recover(async (key) => {
      if (key === "a.lock") throw new Error("store unreachable");
      return false;
    });
    expect(freed).toEqual([]);
    expect(await readdir(dir)).toEqual(["na.lease.json"]);
  });

  test("a released lease is forgotten; an unreadable entry is dropped; another host's is left alone", async () => {
    const journal = new FileLeaseJournal(dir, host(9, new Set()));
    await journal.record("a.lock", "na");
    await journal.forget("na");
    await writeFile(join(dir, "junk.lease.json"), "{not json");
    await writeFile(
      join(dir, "other.lease.json"),
      JSON.stringify({ key: "o.lock", nonce: "no", pid: 5, hostname: "elsewhere" }),
    );
    const asked: string[] = [];
    await journal.recover(async (key) => {
      asked.push(key);
      return true;
    });
    expect(asked).toEqual([]);
    expect(await readdir(dir)).toEqual(["other.lease.json"]);
  });
});

describe("a lease taken again on the machine that freed it", () => {
  let dir: string;
  let clock: FakeClock;
  let store: MemoryObjectStore;
  const KEY = "locks/models/t/1.lock";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "swamp-journal-"));
    clock = new FakeClock();
    store = new MemoryObjectStore(clock);
  });
  afterEach(async () => {
    await releaseAllLeases();
    await rm(dir, { recursive: true, force: true });
  });
  const lock = (over: ObjectStore, journal?: FileLeaseJournal) =>
    new LeaseLock({
      store: over,
      key: KEY,
      clock,
      host: host(7, new Set([7])),
      random: () => 0.5,
      ...(journal ? { journal } : {}),
    });
  const recording = (ops: string[]) =>
    passThrough(store, {
      get: (key) => {
        ops.push("get");
        return store.get(key);
      },
      put: (key, body, when) => {
        ops.push("version" in (when ?? {}) ? "put-if-version" : "put");
        return store.put(key, body, when);
      },
    });

  test("writes over the version it freed without reading it, with the next epoch", async () => {
    const journal = new FileLeaseJournal(dir, host(7, new Set([7])));
    const first = await lock(store, journal).acquire();
    await first.release();
    const ops: string[] = [];
    const again = await lock(recording(ops), journal).acquire();
    expect(ops).toEqual(["put-if-version"]);
    expect(again.info.epoch).toBe(first.info.epoch + 1);
    await again.release();
    expect((await readdir(dir)).filter((name) => name.endsWith(".lease.json"))).toEqual([]);
  });

  test("a lock taken, freed or forced by anyone since is read first, as without the journal", async () => {
    const journal = new FileLeaseJournal(dir, host(7, new Set([7])));
    await (await lock(store, journal).acquire()).release();
    const other = await lock(store).acquire();
    const ops: string[] = [];
    const waiting = lock(recording(ops), journal).acquire({ maxWaitMs: 0 });
    const error = await swampFailure(waiting);
    expect(error.code).toBe("lock_timeout");
    expect(ops[0]).toBe("put-if-version");
    expect(ops).toContain("get");
    expect((await lock(store).inspect())?.info.nonce).toBe(other.info.nonce);
    await lock(store).forceRelease(other.info.nonce);
    const taken = await lock(store, journal).acquire();
    expect(taken.info.epoch).toBe(other.info.epoch + 1);
    await taken.release();
  });
});
