import { afterThisFile } from "./cleanup.ts";
import type { AckedWrite } from "./convergence-check.ts";
import { MODEL, TYPE } from "./convergence-ops.ts";
import { type CountingProxy, startCountingProxy } from "./counting-proxy.ts";
import { type FlakyProxy, startFlakyProxy } from "./flaky-proxy.ts";
import type { RemoteKind, RemoteServer } from "./remote.ts";
import { cloneVia, makeRemoteRepo, put, type RemoteRepo } from "./remote-repo.ts";
import type { Random } from "./seeded-random.ts";
import type { Env, Repo, RunOptions, RunResult } from "./swamp.ts";

/**
 * Short deadlines for every command of a trial: a stalled connection costs a second, not
 * minutes, and a lease a killed command left is waited for no longer than a few seconds (a
 * dead pid on this host is taken over at once, so the wait is never needed).
 */
export const FAULT_ENV: Env = {
  SWAMP_S3_REQUEST_TIMEOUT_MS: "1000",
  SWAMP_GCS_REQUEST_TIMEOUT_MS: "1000",
  SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "15000",
  SWAMP_LOCK_TIMEOUT_MS: "5000",
};
/** Far above the deadlines above: a command still running then has ignored them (it hung). */
export const HARD_LIMIT_MS = 30_000;
export const RUN: RunOptions = { env: FAULT_ENV, timeoutMs: HARD_LIMIT_MS };

/**
 * The way from the repo under test to one storage server: swamp → flaky proxy (kills are
 * timed by its traffic; it resets and stalls) → counting proxy (refuses uploads, strips
 * headers) → the server. Stopped after the file.
 */
export interface Chain {
  kind: RemoteKind;
  server: RemoteServer;
  flaky: FlakyProxy;
  counter: CountingProxy;
  /** What the repo under test is given as its endpoint. */
  url: string;
  /**
   * Traffic (bytes both ways) each command (by label) caused the last time it ran to its end
   * without a fault: a fault lands at a random point of it, so it lands inside the command.
   */
  windows: Map<string, number>;
}

export async function startChain(server: RemoteServer, random: Random): Promise<Chain> {
  const counter = await startCountingProxy(server.endpoint);
  const flaky = await startFlakyProxy(counter.port, random);
  afterThisFile(async () => {
    await flaky.stop();
    await counter.stop();
  });
  return { kind: server.kind, server, flaky, counter, url: flaky.url, windows: new Map() };
}

/**
 * One bucket, the repo under test (`remote`, through the chain) and a checker: a second
 * checkout of the repo that reaches the server directly, so no fault touches what it sees.
 * `acked` holds every write that exited 0 with its version, `written` every value a command
 * was given (acknowledged or not): each may be at one version at most.
 */
export interface Lane {
  chain: Chain;
  random: Random;
  remote: Pick<RemoteRepo, "repo" | "bucket" | "prefix">;
  checker: Repo;
  modelId: string;
  acked: AckedWrite[];
  written: string[];
}

/** A new bucket; the repo under test writes a first version, then the checker is cloned from it (so both know the model). */
export async function openLane(chain: Chain, random: Random, label: string): Promise<Lane> {
  const remote = await makeRemoteRepo(chain.server, { endpoint: chain.url });
  const value = `${label}:first`;
  const first = await put(remote.repo, MODEL, "a", value, TYPE);
  const lane = laneOf(chain, random, remote, first.modelId);
  lane.acked.push({ clone: 0, seq: -1, name: "a", value, version: first.version });
  lane.written.push(value);
  return lane;
}

/** A lane over a repo already set up on the chain (its checker is made here). */
export function laneOf(chain: Chain, random: Random, remote: Lane["remote"], modelId: string): Lane {
  const checker = cloneVia(remote.repo, chain.server.endpoint);
  return { chain, random, remote, checker, modelId, acked: [], written: [] };
}

/** `args` in `repo` with the short deadlines. */
export function runIn(repo: Repo, args: string[]): Promise<RunResult> {
  return repo.run(args, RUN);
}
