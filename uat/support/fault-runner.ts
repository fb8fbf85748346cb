import { afterThisTest } from "./cleanup.ts";
import {
  CHECKS,
  hungViolations,
  laneViolations,
  releasedViolations,
  type Violation,
} from "./fault-checks.ts";
import { type Chain, openLane } from "./fault-lane.ts";
import type { Fault } from "./fault-run.ts";
import type { Tally, TrialRecord } from "./fault-tally.ts";
import type { Stage, TrialFn } from "./fault-trials.ts";
import { forkRandom, type Random } from "./seeded-random.ts";

export interface Scenario {
  /** Its row in the table. */
  name: string;
  /** Short, in the random streams' labels and the values written. */
  id: string;
  trials: number;
  /** One lane per backend for all trials; otherwise each trial makes its own. */
  sharedLane: boolean;
  /** Fault-free runs per backend before the trials, to measure the traffic faults are aimed at. */
  calibrations: number;
  /** The fault of one trial; null when the trial's content is the fault (hostile keys, missing headers). */
  fault(random: Random): Fault | null;
  trial: TrialFn;
  /** Set on each chain for the scenario, undone after it. */
  setUp?(chain: Chain): void;
  tearDown?(chain: Chain): void;
}

/**
 * Runs `scenario`'s trials, dealt alternately to the chains (backends), each followed by every
 * check; no trial starts after `budgetMs`. Records each trial in `tally` and returns them.
 */
export async function runScenario(
  scenario: Scenario,
  chains: Chain[],
  seed: number,
  tally: Tally,
  budgetMs: number,
): Promise<TrialRecord[]> {
  const started = Date.now();
  const inTime = () => Date.now() - started < budgetMs;
  try {
    // The backends run side by side, each its share of the trials (seq ≡ its index) in order.
    await Promise.all(
      chains.map(async (chain, index) => {
        const stage = await openStage(scenario, chain, seed);
        for (let seq = index; seq < scenario.trials && inTime(); seq += chains.length)
          tally.add(await runTrial(scenario, stage, seq));
      }),
    );
  } finally {
    tally.scenarioDone(scenario.name, scenario.trials, Date.now() - started);
  }
  return tally.of(scenario.name);
}

/** The scenario's stage on `chain`: set up, its lane opened if shared, its commands measured. */
async function openStage(scenario: Scenario, chain: Chain, seed: number): Promise<Stage> {
  scenario.setUp?.(chain);
  afterThisTest(() => scenario.tearDown?.(chain));
  const label = `${scenario.id}/${chain.kind}`;
  const random = forkRandom(seed, label);
  const lane = scenario.sharedLane ? await openLane(chain, random, label) : null;
  const stage: Stage = { chain, random, lane, label };
  for (let seq = -scenario.calibrations; seq < 0; seq++) await scenario.trial(stage, seq, null);
  return stage;
}

async function runTrial(scenario: Scenario, stage: Stage, seq: number): Promise<TrialRecord> {
  const fault = scenario.fault(stage.random);
  const record = { scenario: scenario.name, kind: stage.chain.kind, seq };
  try {
    const trial = await scenario.trial(stage, seq, fault);
    const killed = fault?.kind === "kill" && trial.run.landed;
    const violations: Violation[] = [...trial.violations, ...hungViolations(trial.run)];
    if (trial.lane !== null && !killed) violations.push(...(await releasedViolations(trial.lane)));
    if (trial.lane !== null) violations.push(...(await laneViolations(trial.lane)));
    const landed = fault === null || trial.run.landed;
    const { at, phase, result } = trial.run;
    const fate = result.timedOut ? "hung" : result.code === 0 ? "exit 0" : `exit ${result.code}`;
    const note = [describeFault(fault, at, landed, phase), trial.note, `→ ${fate}`]
      .filter(Boolean)
      .join(", ");
    return { ...record, landed, at: trial.run.at, note, phase: trial.run.phase, violations };
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    const note = `${describeFault(fault, null, null, null) || "no fault"} (the trial broke off)`;
    const violations = [{ check: CHECKS.harness, detail }];
    return { ...record, landed: false, at: null, note, phase: null, violations };
  }
}

/** The fault in words; `landed` null when unknown. */
function describeFault(
  fault: Fault | null,
  at: number | null,
  landed: boolean | null,
  phase: string | null,
): string {
  if (fault === null) return "";
  const what =
    fault.kind === "kill"
      ? "kill -9"
      : `${fault.kind} of ${fault.direction === "request" ? "a request" : "an answer"}`;
  if (landed === null) return what;
  return `${what} at ${at} B${landed ? ` (during ${phase})` : " (missed: the command ended first)"}`;
}

/** Replays a run: `SWAMP_FAULTS_SEED=<seed> bun test uat/fault-injection.test.ts`. */
export const SEED_VARIABLE = "SWAMP_FAULTS_SEED";

/**
 * Fails, naming the seed, each failing trial and the first violations of each check, unless no
 * trial broke an invariant; also fails when fewer than half the faults landed (the harness aims
 * badly) or no trial ran.
 */
export function expectNoViolations(
  scenario: Scenario,
  records: TrialRecord[],
  seed: number,
  shown = 3,
): void {
  const landed = records.filter((r) => r.landed).length;
  const problems: string[] = [];
  if (records.length === 0) problems.push("no trial ran");
  if (landed * 2 < records.length)
    problems.push(`only ${landed} of ${records.length} faults landed: the harness aims them badly`);
  const failing = records.filter((r) => r.violations.length > 0);
  if (failing.length > 0)
    problems.push(
      `${failing.length} of ${records.length} trial(s) broke an invariant:\n    ${failing.map((r) => `trial ${r.seq} (${r.kind}; ${r.note}): ${[...new Set(r.violations.map((v) => v.check))].join(", ")}`).join("\n    ")}`,
    );
  const byCheck = new Map<string, string[]>();
  for (const r of records)
    for (const v of r.violations)
      byCheck.set(v.check, [
        ...(byCheck.get(v.check) ?? []),
        `trial ${r.seq} (${r.kind}; ${r.note}): ${v.detail}`,
      ]);
  for (const [check, details] of byCheck)
    problems.push(
      `${check}: ${details.length} violation(s); the first:\n    ${details.slice(0, shown).join("\n    ").replaceAll("\n", "\n      ")}`,
    );
  if (problems.length > 0)
    throw new Error(
      `${scenario.name} (seed ${seed}, replay with ${SEED_VARIABLE}=${seed}):\n  ${problems.join("\n  ")}`,
    );
}
