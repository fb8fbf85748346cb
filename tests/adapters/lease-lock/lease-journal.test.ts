import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileLeaseJournal } from "../../../adapters/lease-lock/lease-journal.ts";
import type { Host } from "../../../core/ports/host.ts";

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
    new FileLeaseJournal(dir, host(1, alive)).record("live.lock", "n1");
    new FileLeaseJournal(dir, host(2, alive)).record("dead.lock", "n2");
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
    journal.record("a.lock", "na");
    journal.record("b.lock", "nb");
    const freed = await journal.recover(async (key) => {
      if (key === "a.lock") throw new Error("store unreachable");
      return false;
    });
    expect(freed).toEqual([]);
    expect(await readdir(dir)).toEqual(["na.lease.json"]);
  });

  test("a released lease is forgotten; an unreadable entry is dropped; another host's is left alone", async () => {
    const journal = new FileLeaseJournal(dir, host(9, new Set()));
    journal.record("a.lock", "na");
    journal.forget("na");
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
