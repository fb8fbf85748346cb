import { requestPath, type SeenRequest } from "./counting-proxy.ts";
import { type Chain, RUN } from "./fault-lane.ts";
import type { InjectedFault } from "./flaky-proxy.ts";
import type { Random } from "./seeded-random.ts";
import type { Repo, RunResult } from "./swamp.ts";

/** What befalls one command: kill -9, or a reset or stall of one of its connections. */
export type Fault = { kind: "kill" } | InjectedFault;

export interface FaultedRun {
  result: RunResult;
  fault: Fault | null;
  /** The fault hit the command: it was killed by us, or the injected fault fired. */
  landed: boolean;
  /** Where the fault was aimed: bytes of the command's traffic (both ways) before it. */
  at: number | null;
  /** The traffic the command caused. */
  traffic: number;
  /** The request the command was at when the fault hit (as `requestPhase` names it), if it hit. */
  phase: string | null;
}

/** A request as the method and the kind of object: a lease, the index meta or a shard, data, or other. */
export function requestPhase(q: SeenRequest | undefined): string {
  if (q === undefined) return "before any request";
  const path = requestPath(q);
  const what = path.includes(".lock")
    ? "lease"
    : path.includes("_index/_meta")
      ? "index meta"
      : path.includes("_index/")
        ? "index shard"
        : path.includes("/data/")
          ? "data"
          : "other";
  return `${q.method} ${what}`;
}

/**
 * Runs `args` in `repo` (whose endpoint is the chain's) and, unless `fault` is null, aims the
 * fault at a random point of the traffic the same command (`label`) caused when it last ran
 * fault-free on this chain. A run that ended on its own with exit 0 becomes the new measure;
 * a fault-free run is the first measure.
 */
export async function runFaulted(
  chain: Chain,
  repo: Repo,
  label: string,
  args: string[],
  fault: Fault | null,
  random: Random,
): Promise<FaultedRun> {
  const window = chain.windows.get(label);
  if (fault !== null && window === undefined)
    throw new Error(`no fault-free run of ${label} on ${chain.kind} yet: nothing to aim a fault at`);
  const start = chain.flaky.traffic();
  const at = fault === null ? null : random.int(1, Math.max(1, window ?? 1));
  const child = repo.spawn(args, RUN);
  let killed = false;
  let phase: string | null = null;
  const hit = () => {
    phase = requestPhase(chain.counter.requests().at(-1));
  };
  let fired = () => false;
  let cancel = () => {};
  if (fault?.kind === "kill" && at !== null)
    cancel = chain.flaky.onTraffic(start + at, () => {
      hit();
      killed = true;
      child.kill("SIGKILL");
    });
  else if (fault !== null && fault.kind !== "kill" && at !== null) {
    const injection = chain.flaky.injectAt(start + at, fault, hit);
    fired = injection.fired;
    cancel = injection.cancel;
  }
  const result = await child.result;
  cancel();
  const traffic = chain.flaky.traffic() - start;
  const landed = fault?.kind === "kill" ? killed && child.proc.signalCode === "SIGKILL" : fired();
  if (!landed && result.code === 0 && !result.timedOut) chain.windows.set(label, traffic);
  return { result, fault, landed, at, traffic, phase: landed ? phase : null };
}
