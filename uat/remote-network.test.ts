import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { type FaultMode, type FaultProxy, startFaultProxy } from "../tests/support/fault-proxy.ts";
import { afterThisFile, installCleanup } from "./support/cleanup.ts";
import {
  type CountingProxy,
  isDataWrite,
  isWrite,
  requestPath,
  type SeenRequest,
  startCountingProxy,
} from "./support/counting-proxy.ts";
import { heldLeaseObjects, REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import {
  bucketData,
  cacheDir,
  heldLeases,
  isNotData,
  makeRemoteRepo,
  put,
  type RemoteRepo,
} from "./support/remote-repo.ts";
import type { GetDoc, StatusDoc } from "./support/shapes.ts";
import { describeRun, expectExit, type RunResult } from "./support/swamp.ts";
import { expectSameFiles, snapshotTree } from "./support/tree.ts";
import { waitUntil } from "./support/wait.ts";

installCleanup();

/** Short deadlines, so a command facing a dead network gives up in seconds. */
const SHORT_DEADLINES = {
  SWAMP_S3_REQUEST_TIMEOUT_MS: "1000",
  SWAMP_GCS_REQUEST_TIMEOUT_MS: "1000",
  SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "4000",
  SWAMP_LOCK_TIMEOUT_MS: "4000",
};
/** Far above the deadlines above: a command still running then has ignored them. */
const HARD_LIMIT_MS = 45_000;

describe.each(REMOTE_KINDS)("network trouble between swamp and %s", (kind) => {
  let server: RemoteServer;
  /** swamp → fault proxy → counting proxy → server: the test breaks the network and sees what got through. */
  let fault: FaultProxy;
  let counter: CountingProxy;
  let remote: RemoteRepo;

  beforeAll(async () => {
    server = await startRemote(kind);
    counter = await startCountingProxy(server.endpoint);
    fault = await startFaultProxy(counter.port);
    afterThisFile(async () => {
      await fault.stop();
      await counter.stop();
    });
  });

  beforeEach(async () => {
    fault.mode("pass");
    await server.reset();
    remote = await makeRemoteRepo(server, { endpoint: fault.url });
    await put(remote.repo, "vpc", "main", '{"n":1}');
  });

  const run = (args: string[]) =>
    remote.repo.run([...args, "--json"], { env: SHORT_DEADLINES, timeoutMs: HARD_LIMIT_MS });

  for (const mode of ["stall", "reset"] as FaultMode[]) {
    test(`${mode}: data put and ds sync fail in time, naming the store, writing nothing; then one sync heals`, async () => {
      const cacheBefore = dataTree(remote);
      const bucketBefore = await bucketData(remote.bucket, remote.prefix);
      fault.mode(mode);
      counter.reset();
      for (const args of [
        ["data", "put", "vpc", "main", "--value", '{"n":2}'],
        ["datastore", "sync"],
      ]) {
        const r = await run(args);
        expectCleanFailure(r, remote);
        expectNoWriteWithoutLease(counter.requests(), r);
      }
      expect(dataTree(remote)).toEqual(cacheBefore);

      fault.mode("pass");
      expect(await bucketData(remote.bucket, remote.prefix)).toEqual(bucketBefore);
      expectExit(await run(["datastore", "sync"]), 0);
      await expectAgreement(remote);
    }, 120_000);
  }

  test("stall: ds status still answers, unhealthy, naming the store", async () => {
    fault.mode("stall");
    await expectUnhealthyStatus(remote);
  }, 120_000);

  test("stall in the middle of a push: non-zero exit, the cache stays dirty; the next command completes it", async () => {
    counter.reset();
    const bg = remote.repo.spawn(["data", "put", "vpc", "main", "--value", '{"n":2}', "--json"], {
      env: SHORT_DEADLINES,
      timeoutMs: HARD_LIMIT_MS,
    });
    // Cut the network as soon as the first data object of the push reaches the server.
    await waitUntil(() => counter.requests().some(isDataWrite) || bg.proc.exitCode !== null, {
      what: "the push of `data put` to start",
      timeoutMs: HARD_LIMIT_MS,
      intervalMs: 2,
    });
    fault.mode("stall");
    const r = await bg.result;
    expectCleanFailure(r, remote);
    expectNoWriteWithoutLease(counter.requests(), r);

    // The version was written locally (under the lease) and is still waiting to be pushed.
    fault.mode("pass");
    const status = expectExit(await run(["datastore", "status"]), 0).json<StatusDoc>();
    expect(status.remote?.pendingPaths || status.remote?.pendingBulk).toBeTruthy();
    expectExit(await run(["datastore", "sync", "--push"]), 0);
    await expectAgreement(remote);
    const got = expectExit(await run(["data", "get", "vpc", "main"]), 0).json<GetDoc>();
    expect(got).toMatchObject({ version: 2, content: { n: 2 } });
  }, 120_000);
});

/**
 * Unreachable store, `ds status`: still answers, unhealthy, naming the store, and exits 1 (docs/architecture.md,
 * "Command line").
 */
async function expectUnhealthyStatus(remote: RemoteRepo): Promise<void> {
  const r = await remote.repo.run(["datastore", "status", "--json"], {
    env: SHORT_DEADLINES,
    timeoutMs: HARD_LIMIT_MS,
  });
  if (r.timedOut || r.code !== 1)
    throw new Error(
      `ds status should report an unreachable store as unhealthy, with exit 1.\n${describeRun(r)}`,
    );
  const status = r.json<StatusDoc>();
  expect(status.healthy).toBe(false);
  expect(status.message).toContain(remote.bucket.name);
}

/**
 * Failed, within the deadline, with an `{error, code}` naming the server to check, its cause chain
 * the bucket, and no success document.
 */
function expectCleanFailure(r: RunResult, remote: RemoteRepo): void {
  if (r.timedOut)
    throw new Error(`still running after ${HARD_LIMIT_MS} ms: the deadline was ignored.\n${describeRun(r)}`);
  if (r.code === 0) throw new Error(`reported success with the store unreachable.\n${describeRun(r)}`);
  expect({ args: r.args, stdout: r.stdout.trim() }).toEqual({ args: r.args, stdout: "" });
  const error = r.errorJson();
  if (!/http:\/\/127\.0\.0\.1:\d+/.test(error.error))
    throw new Error(`the error does not name the server to check.\n${describeRun(r)}`);
  if (![error.error, ...(error.causes ?? [])].some((line) => line.includes(remote.bucket.name)))
    throw new Error(
      `neither the error nor its causes name the store (bucket ${remote.bucket.name}).\n${describeRun(r)}`,
    );
}

/** Every write of data or index that reached the server came after a lease write. */
function expectNoWriteWithoutLease(requests: SeenRequest[], r: RunResult): void {
  const firstLease = requests.findIndex((q) => isWrite(q) && requestPath(q).includes(".lock"));
  const firstData = requests.findIndex((q) => isWrite(q) && !requestPath(q).includes(".lock"));
  if (firstData !== -1 && (firstLease === -1 || firstLease > firstData))
    throw new Error(
      `a write reached the store before any lease was taken: ${JSON.stringify(requests[firstData])}\n${describeRun(r)}`,
    );
}

/** The bucket holds exactly the cache's data, and no lease is held, by `lock status` or in the bucket. */
async function expectAgreement(remote: RemoteRepo): Promise<void> {
  const cache = Object.fromEntries(Object.entries(dataTree(remote)).filter(([rel]) => !rel.endsWith("/")));
  expectSameFiles("the bucket, against the cache", await bucketData(remote.bucket, remote.prefix), cache);
  expect(await heldLeases(remote.repo)).toEqual([]);
  expect(await heldLeaseObjects(remote.bucket, remote.prefix)).toEqual([]);
  const status = expectExit(await remote.repo.run(["datastore", "status", "--json"]), 0).json<StatusDoc>();
  expect(status.remote).toMatchObject({ pendingPaths: 0, pendingBulk: false });
}

const dataTree = (remote: RemoteRepo) => snapshotTree(cacheDir(remote.repo), ["data"], isNotData);
