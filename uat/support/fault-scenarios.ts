import type { Scenario } from "./fault-runner.ts";
import {
  hostileTrial,
  OMITTED_HEADERS,
  omittedHeadersTrial,
  pullTrial,
  pushTrial,
  putOrSyncTrial,
  putTrial,
  setupTrial,
} from "./fault-trials.ts";
import type { InjectedFault } from "./flaky-proxy.ts";
import { hostileKeys } from "./hostile-keys.ts";
import type { Random } from "./seeded-random.ts";

/** Trials per kill -9 scenario, both backends together (half each); `SWAMP_FAULTS_TRIALS` scales a deep run. */
const KILLS = wholeFromEnv("SWAMP_FAULTS_TRIALS", 20, 2);
/** Trials per network scenario: a stall costs a request timeout, so there are fewer. */
const NETWORK = Math.max(4, Math.round(KILLS / 2.5));

const kill = () => ({ kind: "kill" }) as const;
const network =
  (kind: InjectedFault["kind"]) =>
  (random: Random): InjectedFault => ({ kind, direction: random.pick(["request", "answer"] as const) });
const none = () => null;
/** Each hostile key once on each backend. */
const HOSTILE = 2 * hostileKeys("uat", "model", "name").length;

/** The whole number (at least `min`) in `variable`, or `fallback` when it is unset. */
export function wholeFromEnv(variable: string, fallback: number, min: number): number {
  const text = process.env[variable]?.trim();
  if (text === undefined || text === "") return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new Error(`${variable} must be a whole number ≥ ${min}; got "${text}"`);
  return Number(text);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "kill -9: data put",
    id: "kill-put",
    trials: KILLS,
    sharedLane: true,
    calibrations: 1,
    fault: kill,
    trial: putTrial,
  },
  {
    name: "kill -9: ds sync --push",
    id: "kill-push",
    trials: KILLS,
    sharedLane: true,
    calibrations: 1,
    fault: kill,
    trial: pushTrial,
  },
  {
    name: "kill -9: ds sync --pull",
    id: "kill-pull",
    trials: KILLS,
    sharedLane: true,
    calibrations: 1,
    fault: kill,
    trial: pullTrial,
  },
  {
    name: "kill -9: ds setup",
    id: "kill-setup",
    trials: KILLS,
    sharedLane: false,
    calibrations: 1,
    fault: kill,
    trial: setupTrial,
  },
  {
    name: "stall: data put / ds sync",
    id: "stall",
    trials: NETWORK,
    sharedLane: true,
    calibrations: 2,
    fault: network("stall"),
    trial: putOrSyncTrial,
  },
  {
    name: "reset: data put / ds sync",
    id: "reset",
    trials: NETWORK,
    sharedLane: true,
    calibrations: 2,
    fault: network("reset"),
    trial: putOrSyncTrial,
  },
  // Each key once per backend, each in a lane of its own (one broken key must not hide the next).
  {
    name: "hostile index keys",
    id: "hostile",
    trials: HOSTILE,
    sharedLane: false,
    calibrations: 0,
    fault: none,
    trial: hostileTrial,
  },
  {
    name: "store omits Last-Modified/Date",
    id: "headers",
    trials: 6,
    sharedLane: true,
    calibrations: 0,
    fault: none,
    trial: omittedHeadersTrial,
    setUp: (chain) => chain.counter.stripResponseHeaders(OMITTED_HEADERS),
    tearDown: (chain) => chain.counter.stripResponseHeaders([]),
  },
];
