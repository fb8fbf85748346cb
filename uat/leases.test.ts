import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { deadPid, thisHost, writeLease } from "./support/leases.ts";
import type { LockEntry, LockStatusDoc, PutDoc, ReleaseDoc } from "./support/shapes.ts";
import { describeRun, expectExit, makeRepo, type Repo, type RunResult, tempDir } from "./support/swamp.ts";
import { waitUntil } from "./support/wait.ts";

installCleanup();

/** Short enough to keep the suite fast, far shorter than the 30 s default lease TTL. */
const SHORT_WAIT = { SWAMP_LOCK_TIMEOUT_MS: "1500" };

async function lockStatus(repo: Repo): Promise<LockStatusDoc> {
  return expectExit(await repo.run(["ds", "lock", "status", "--json"]), 0).json<LockStatusDoc>();
}

const heldModelLeases = (doc: LockStatusDoc): LockEntry[] => doc.models.filter((m) => m.held);

/** Starts `data put --file <fifo>`: it takes the model's lease, then blocks reading a FIFO nobody writes to. */
async function startBlockedWriter(repo: Repo) {
  const fifo = join(tempDir("fifo"), "content.fifo");
  expectExit(await repo.run(["data", "put", "m", "seed", "--model-type", "t", "--value", "0"]), 0);
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  const writer = repo.spawn(["data", "put", "m", "n", "--file", fifo]);
  const seen = await waitUntil(
    async (): Promise<{ ended: RunResult } | { lease: LockEntry } | undefined> => {
      if (writer.proc.exitCode !== null) return { ended: await writer.result };
      const lease = heldModelLeases(await lockStatus(repo))[0];
      return lease && { lease };
    },
    {
      what: "`ds lock status` to show the blocked writer's model lease",
      timeoutMs: 10_000,
      intervalMs: 150,
    },
  );
  if ("ended" in seen)
    throw new Error(`the writer ended instead of blocking on the FIFO.\n${describeRun(seen.ended)}`);
  const held = seen.lease;
  expect(held.info?.pid).toBe(writer.pid);
  expect(held.info?.hostname).toBe(thisHost);
  expect(held.lockScope).toMatch(/^t\/[0-9a-f-]{36}$/);
  expect(held.stale).toBe(false);
  return writer;
}

describe("a writer killed with kill -9", () => {
  test("leaves a model lease that the next writer takes over at once (same host, dead pid)", async () => {
    const repo = await makeRepo();
    const writer = await startBlockedWriter(repo);
    writer.kill("SIGKILL");
    expect((await writer.result).code).not.toBe(0);

    // The dead holder is judged stale at once: a 1.5 s wait is enough, though the lease's TTL is 30 s.
    const next = await repo.run(["data", "put", "m", "n", "--value", "x", "--json"], { env: SHORT_WAIT });
    expect(expectExit(next, 0).json<PutDoc>()).toMatchObject({ name: "n", version: 1 });
    expect(heldModelLeases(await lockStatus(repo))).toEqual([]);
  });
});

describe("a writer interrupted with Ctrl-C", () => {
  test("releases its lease, writes nothing and exits 130", async () => {
    const repo = await makeRepo();
    const writer = await startBlockedWriter(repo);
    writer.kill("SIGINT");
    const ended = await writer.result;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toContain("Interrupted");
    expect(heldModelLeases(await lockStatus(repo))).toEqual([]);
    const versions = await repo.run(["data", "versions", "m", "n", "--json"]);
    expect(versions.code).toBe(1);
    expect(versions.errorJson()).toMatchObject({ code: "not_found" });
  });
});

describe("a live foreign lease", () => {
  test("makes a structural command wait and exit 75 naming the holder; lock release --force frees it", async () => {
    const repo = await makeRepo();
    const lockFile = join(repo.dir, ".swamp", ".datastore.lock");
    const lease = writeLease(lockFile);

    const log = await repo.run(["data", "gc", "--yes"], { env: SHORT_WAIT });
    expectExit(log, 75);
    expect(log.stderr).toContain("bob@ci-7");

    const json = await repo.run(["data", "gc", "--yes", "--json"], { env: SHORT_WAIT });
    expectExit(json, 75);
    expect(json.stdout).toBe("");
    const error = json.errorJson();
    expect(error.code).toBe("lock_timeout");
    expect(error.error).toContain("bob@ci-7");

    const status = await lockStatus(repo);
    expect(status.global).toMatchObject({ held: true, stale: false, info: { holder: "bob@ci-7", pid: 412 } });
    expect(status.models).toEqual([]);
    const statusLog = expectExit(await repo.run(["ds", "lock", "status"]), 0);
    expect(statusLog.stdout).toContain("bob@ci-7");

    const release = await repo.run(["ds", "lock", "release", "--force", "--json"]);
    expect(expectExit(release, 0).json<ReleaseDoc>()).toMatchObject({
      released: true,
      previousHolder: { holder: "bob@ci-7", nonce: lease.nonce },
    });
    expect((await lockStatus(repo)).global.held).toBe(false);

    expectExit(await repo.run(["data", "gc", "--yes"], { env: SHORT_WAIT }), 0);
    expect((await lockStatus(repo)).global.held).toBe(false);
  });

  test("lock release refuses without --force and rejects a --model without a type/id slash", async () => {
    const repo = await makeRepo();
    const lockFile = join(repo.dir, ".swamp", ".datastore.lock");
    const lease = writeLease(lockFile);

    const noForce = await repo.run(["ds", "lock", "release"]);
    expect(noForce.code).not.toBe(0);
    expect(noForce.stderr).toContain("--force");
    expect(JSON.parse(readFileSync(lockFile, "utf8")).nonce).toBe(lease.nonce);

    const badModel = await repo.run(["ds", "lock", "release", "--force", "--model", "noslash"]);
    expect(badModel.code).not.toBe(0);
    expect(badModel.stderr).toContain('"noslash"');
    expect(badModel.stderr).toContain("type/id");
    expect(JSON.parse(readFileSync(lockFile, "utf8")).nonce).toBe(lease.nonce);
  });
});

describe("a stale lease", () => {
  test("left on this host by a process that has ended is taken over without waiting for its TTL", async () => {
    const repo = await makeRepo();
    const lockFile = join(repo.dir, ".swamp", ".datastore.lock");
    const pid = await deadPid();
    writeLease(lockFile, { holder: `ghost@${thisHost}`, hostname: thisHost, pid });

    const status = await lockStatus(repo);
    expect(status.global).toMatchObject({ held: true, stale: true, info: { pid } });

    expectExit(await repo.run(["data", "gc", "--yes"], { env: SHORT_WAIT }), 0);
    const after = await lockStatus(repo);
    expect(after.global.held).toBe(false);
  });
});
