import type { FlakyProxy } from "./flaky-proxy.ts";
import { putArgs } from "./remote-repo.ts";
import type { Random } from "./seeded-random.ts";
import type { PutDoc } from "./shapes.ts";
import { describeRun, type Env, type Repo, type RunResult } from "./swamp.ts";

/** Names every clone writes and nobody deletes: every acknowledged write to them must survive. */
export const KEPT_NAMES = ["a", "b", "c"] as const;
/** The one name that is also deleted, on purpose: only agreement is required of it. */
export const DELETED_NAME = "d";
export const MODEL = "m";
export const TYPE = "uat";

export type OpKind = "put" | "delete" | "sync";

export interface PlannedOp {
  clone: number;
  seq: number;
  kind: OpKind;
  /** The data name a put or delete is about. */
  name: string | null;
  /** A put's content: unique to this op. */
  value: string | null;
  /** Kill -9 the child once its clone's proxy has received this many more bytes (if it still runs). */
  killAfterBytes: number | null;
  args: string[];
}

export interface OpOutcome {
  op: PlannedOp;
  result: RunResult;
  /** Ended by our SIGKILL. */
  killed: boolean;
  /** A put that exited 0: what it reported. */
  put: PutDoc | null;
  /** Exit 0 without a readable result document: a broken acknowledgement. */
  problem: string | null;
}

/** How often each kind of op comes up, and how often a child is killed. */
const MIX = { keptPut: 0.6, deletedPut: 0.1, delete: 0.08 } as const;
const KILL_CHANCE = 0.12;
/** A kill lands within the first this-many bytes a child sends (a put sends ~13-35 KB, more as the index grows). */
const KILL_WITHIN_BYTES = 16_000;

/** The next op of clone `clone`, drawn from that clone's own random stream. */
export function planOp(random: Random, clone: number, seq: number, label: string): PlannedOp {
  const roll = random.next();
  const killAfterBytes = random.chance(KILL_CHANCE) ? random.int(1, KILL_WITHIN_BYTES) : null;
  const base = { clone, seq, killAfterBytes };
  if (roll < MIX.keptPut + MIX.deletedPut) {
    const name = roll < MIX.keptPut ? random.pick(KEPT_NAMES) : DELETED_NAME;
    const value = `${label}:clone${clone}:op${seq}:${name}`;
    return { ...base, kind: "put", name, value, args: putArgs(MODEL, name, value, TYPE) };
  }
  if (roll < MIX.keptPut + MIX.deletedPut + MIX.delete)
    return {
      ...base,
      kind: "delete",
      name: DELETED_NAME,
      value: null,
      args: ["data", "delete", MODEL, DELETED_NAME, "--yes", "--json"],
    };
  return { ...base, kind: "sync", name: null, value: null, args: ["datastore", "sync", "--json"] };
}

/** Runs one op in `repo`, killing it with SIGKILL at its planned moment. */
export async function runOp(
  repo: Repo,
  proxy: FlakyProxy,
  op: PlannedOp,
  options: { env: Env; timeoutMs: number },
): Promise<OpOutcome> {
  const child = repo.spawn(op.args, options);
  const cancel =
    op.killAfterBytes === null
      ? () => {}
      : proxy.onBytesUp(proxy.bytesUp() + op.killAfterBytes, () => child.kill("SIGKILL"));
  const result = await child.result;
  cancel();
  const killed = child.proc.signalCode === "SIGKILL" && !result.timedOut;
  let put: PutDoc | null = null;
  let problem: string | null = null;
  if (op.kind === "put" && result.code === 0) {
    try {
      put = result.json<PutDoc>();
      if (!Number.isSafeInteger(put.version)) problem = "its result has no version";
    } catch {
      problem = "it exited 0 without a result document";
    }
  }
  return { op, result, killed, put, problem };
}

/**
 * Runs `count` ops planned from `random` one after the other in clone `clone`, until `deadline`
 * (ms since epoch); `afterOp` looks at the clone after each one.
 */
export async function runClone(
  repo: Repo,
  proxy: FlakyProxy,
  random: Random,
  plan: { clone: number; count: number; label: string; deadline: number },
  options: { env: Env; timeoutMs: number },
  afterOp: () => void = () => {},
): Promise<OpOutcome[]> {
  const outcomes: OpOutcome[] = [];
  for (let seq = 0; seq < plan.count && Date.now() < plan.deadline; seq++) {
    outcomes.push(await runOp(repo, proxy, planOp(random, plan.clone, seq, plan.label), options));
    afterOp();
  }
  return outcomes;
}

/**
 * `ds sync` in every repo, one after the other, for at least two rounds (so what the last one
 * pushed reaches the first) and at most `rounds`, until a round where all succeed and every
 * cache holds the same data. Returns the failures of the last round.
 */
export async function syncUntilAgreed(
  repos: { label: string; repo: Repo }[],
  snapshot: (repo: Repo) => Record<string, string>,
  rounds = 3,
): Promise<string[]> {
  let failures: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    failures = [];
    for (const { label, repo } of repos) {
      const r = await repo.run(["datastore", "sync", "--json"], { timeoutMs: 120_000 });
      if (r.code !== 0) failures.push(`${label}: fault-free ds sync, round ${round}:\n${describeRun(r)}`);
    }
    const trees = repos.map(({ repo }) => JSON.stringify(snapshot(repo)));
    if (round >= 2 && failures.length === 0 && trees.every((tree) => tree === trees[0])) return [];
  }
  return failures;
}

/** Ops that failed on their own, children killed, ops that outlived their deadline, connections reset. */
export function tallyFaults(outcomes: OpOutcome[], proxies: FlakyProxy[]) {
  return {
    failed: outcomes.filter((o) => o.result.code !== 0 && !o.killed && !o.result.timedOut).length,
    kills: outcomes.filter((o) => o.killed).length,
    hung: outcomes.filter((o) => o.result.timedOut).length,
    resets: proxies.reduce((sum, proxy) => sum + proxy.resets(), 0),
  };
}
