import { KEPT_NAMES, MODEL, TYPE } from "./convergence-ops.ts";
import { CHECKS, recordPut, type Violation } from "./fault-checks.ts";
import { type Chain, type Lane, laneOf, openLane, RUN, runIn } from "./fault-lane.ts";
import { type Fault, type FaultedRun, runFaulted } from "./fault-run.ts";
import { hostileKeys, plantHostileKeys, unreported } from "./hostile-keys.ts";
import { putWithFailingPush } from "./pending-put.ts";
import { put, putArgs } from "./remote-repo.ts";
import type { Random } from "./seeded-random.ts";
import { describeRun, makeRepo } from "./swamp.ts";

/** Where the trials of one scenario run on one backend. */
export interface Stage {
  chain: Chain;
  random: Random;
  /** The lane every trial shares, when the scenario has one. */
  lane: Lane | null;
  /** `{scenario}/{backend}`: in every value written, so each is unique. */
  label: string;
}

/** One trial's run of the command under test, the lane to check, and what already went wrong. */
export interface Trial {
  /** Null when the trial found the repo beyond checking (its violations say why). */
  lane: Lane | null;
  run: FaultedRun;
  violations: Violation[];
  /** What the trial did beyond its fault, for the failure message. */
  note?: string;
}

/** A trial; `seq` < 0 for the fault-free runs that measure the commands first (fault null). */
export type TrialFn = (stage: Stage, seq: number, fault: Fault | null) => Promise<Trial>;

const SYNC = ["datastore", "sync", "--json"];
const PUSH = ["datastore", "sync", "--push", "--json"];
const PULL = ["datastore", "sync", "--pull", "--json"];
/** Uploads refused with this answer fail at once: a pending version costs no retries. */
const REFUSED = { status: 403 };

const sharedLane = (stage: Stage): Lane => {
  if (stage.lane === null) throw new Error(`${stage.label}: this trial needs the scenario's lane`);
  return stage.lane;
};
const valueFor = (stage: Stage, seq: number, name: string, who = "repo") =>
  `${stage.label}:t${seq}:${who}:${name}`;

/** `data put` in the repo under test. */
export const putTrial: TrialFn = async (stage, seq, fault) => {
  const lane = sharedLane(stage);
  const name = stage.random.pick(KEPT_NAMES);
  const value = valueFor(stage, seq, name);
  const args = putArgs(MODEL, name, value, TYPE);
  const run = await runFaulted(lane.chain, lane.remote.repo, "put", args, fault, stage.random);
  return { lane, run, violations: recordPut(lane, 0, seq, name, value, run.result) };
};

/** A version left pending (its upload refused), then `ds sync --push`. */
export const pushTrial: TrialFn = async (stage, seq, fault) => {
  const lane = sharedLane(stage);
  const violations = await pendingPut(stage, lane, seq, stage.random.pick(KEPT_NAMES));
  const run = await runFaulted(lane.chain, lane.remote.repo, "push", PUSH, fault, stage.random);
  return { lane, run, violations };
};

/** The checker writes a version, then `ds sync --pull` in the repo under test. */
export const pullTrial: TrialFn = async (stage, seq, fault) => {
  const lane = sharedLane(stage);
  const violations = await checkerPut(stage, lane, seq, stage.random.pick(KEPT_NAMES));
  const run = await runFaulted(lane.chain, lane.remote.repo, "pull", PULL, fault, stage.random);
  return { lane, run, violations };
};

/** A pending version in the repo and the checker's version of the same name, then `ds sync`: a push, a pull and a renumbering. */
export const syncTrial: TrialFn = async (stage, seq, fault) => {
  const lane = sharedLane(stage);
  const name = stage.random.pick(KEPT_NAMES);
  const violations = [
    ...(await pendingPut(stage, lane, seq, name)),
    ...(await checkerPut(stage, lane, seq, name)),
  ];
  const run = await runFaulted(lane.chain, lane.remote.repo, "sync", SYNC, fault, stage.random);
  return { lane, run, violations };
};

/** `data put` and `ds sync` by turns, on each backend (the two fault-free runs first: seq -1 and -2). */
export const putOrSyncTrial: TrialFn = (stage, seq, fault) =>
  (seq < 0 ? -seq - 1 : Math.floor(seq / 2) % 2) === 0
    ? putTrial(stage, seq, fault)
    : syncTrial(stage, seq, fault);

const SETUP_PREFIX = "moved";

/** A new repo writes two versions on its filesystem datastore, then `ds setup s3|gcs` moves them to a new bucket. */
export const setupTrial: TrialFn = async (stage, seq, fault) => {
  const { chain, random } = stage;
  const repo = await makeRepo(chain.server.env);
  const values = [1, 2].map((n) => valueFor(stage, seq, `a${n}`));
  const docs = [];
  for (const value of values) docs.push(await put(repo, MODEL, "a", value, TYPE));
  const bucket = await chain.server.createBucket();
  const args = [
    ...chain.server.setupArgs(bucket.name, { prefix: SETUP_PREFIX, endpoint: chain.url }),
    "--json",
  ];
  const run = await runFaulted(chain, repo, "setup", args, fault, random);
  // Setup is what a user runs again after an interrupted one.
  const again = run.result.code === 0 ? run.result : await runIn(repo, args);
  if (again.code !== 0 || again.timedOut)
    return { lane: null, run, violations: [{ check: CHECKS.next, detail: describeRun(again) }] };
  const lane = laneOf(chain, random, { repo, bucket, prefix: SETUP_PREFIX }, docs[0]?.modelId ?? "");
  docs.forEach((doc, i) => {
    const value = values[i] as string;
    lane.written.push(value);
    lane.acked.push({ clone: 0, seq, name: "a", value, version: doc.version });
  });
  return { lane, run, violations: [] };
};

/**
 * A new lane whose index gets one hostile key (each in turn, on each backend), then a `data put`
 * in the repo under test: it must work, skipping the key with a warning that names it.
 */
export const hostileTrial: TrialFn = async (stage, seq) => {
  const lane = await openLane(stage.chain, stage.random, `${stage.label}:t${seq}`);
  const keys = hostileKeys(TYPE, lane.modelId, "a");
  const key = keys[Math.max(0, Math.floor(seq / 2)) % keys.length] ?? keys[0];
  if (!key) throw new Error("no hostile keys");
  await plantHostileKeys(lane.remote.bucket, lane.remote.prefix, [key]);
  const name = stage.random.pick(KEPT_NAMES);
  const value = valueFor(stage, seq, name);
  const args = putArgs(MODEL, name, value, TYPE);
  const run = await runFaulted(lane.chain, lane.remote.repo, "put", args, null, stage.random);
  const violations = recordPut(lane, 0, seq, name, value, run.result);
  const what = `the index holds a key with a ${key.label}: ${key.rel}`;
  if (run.result.code !== 0)
    violations.push({ check: CHECKS.next, detail: `${what}\n${describeRun(run.result)}` });
  if (unreported([key], run.result.stdout, run.result.stderr).length > 0)
    violations.push({ check: CHECKS.hostile, detail: `${what}\n${describeRun(run.result)}` });
  return { lane, run, violations, note: `${key.label} in the index` };
};

/** Response headers a store may leave out; GCS media reads without `Last-Modified` are the known case. */
export const OMITTED_HEADERS = ["last-modified", "date"];

/**
 * The repo under test (whose store omits the headers) and the checker (whose store does not)
 * put the same name at the same moment: each judges the other's lease by the store's times.
 */
export const omittedHeadersTrial: TrialFn = async (stage, seq) => {
  const lane = sharedLane(stage);
  const name = stage.random.pick(KEPT_NAMES);
  const value = valueFor(stage, seq, name);
  const theirs = valueFor(stage, seq, name, "checker");
  const other = lane.checker.spawn(putArgs(MODEL, name, theirs, TYPE), RUN);
  const args = putArgs(MODEL, name, value, TYPE);
  const run = await runFaulted(lane.chain, lane.remote.repo, "put", args, null, stage.random);
  const violations = [
    ...recordPut(lane, 0, seq, name, value, run.result),
    ...recordPut(lane, 1, seq, name, theirs, await other.result),
  ];
  return { lane, run, violations, note: "the store omits Last-Modified and Date" };
};

/** A `data put` in the repo under test whose uploads are refused: its version stays pending. */
async function pendingPut(stage: Stage, lane: Lane, seq: number, name: string): Promise<Violation[]> {
  const value = valueFor(stage, seq, name);
  const r = await putWithFailingPush(lane.chain.counter, lane.remote.repo, MODEL, name, value, REFUSED, RUN);
  return recordPut(lane, 0, seq, name, value, r);
}

/** A `data put` by the checker, straight to the server; it must work. */
async function checkerPut(stage: Stage, lane: Lane, seq: number, name: string): Promise<Violation[]> {
  const value = valueFor(stage, seq, name, "checker");
  const r = await runIn(lane.checker, putArgs(MODEL, name, value, TYPE));
  const violations = recordPut(lane, 1, seq, name, value, r);
  if (r.code !== 0)
    violations.push({ check: CHECKS.checker, detail: `the checker's put failed\n${describeRun(r)}` });
  return violations;
}
