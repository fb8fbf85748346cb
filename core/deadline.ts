import { type ErrorCode, SwampError } from "./errors.ts";
import type { Clock } from "./ports/clock.ts";

/** How long something may take, and what a user changes to allow more (docs/architecture.md, "Deadlines"). */
export interface TimeBudget {
  ms: number;
  /** What runs out, e.g. "the lease wait". */
  what: string;
  /** How to raise it, e.g. "SWAMP_LOCK_TIMEOUT_MS". */
  raise: string;
  /** The error code a command fails with when it runs out. */
  code: ErrorCode;
}

/** The abort reason of a deadline's signal. Layers that know the store wrap it in their own words. */
export class DeadlineExceeded extends SwampError {
  constructor(readonly budget: TimeBudget) {
    super(budget.code, `${describeBudget(budget)} ran out (to allow more, raise ${budget.raise})`, {
      deadline: budget.what,
      deadlineMs: budget.ms,
      raise: budget.raise,
    });
  }
}

/** "the lease wait of 5 s" */
export function describeBudget(budget: TimeBudget): string {
  return `${budget.what} of ${formatSeconds(budget.ms)}`;
}

export function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** What a command says when `store` did not answer before `deadline` ran out. */
export function unansweredMessage(store: string, deadline: DeadlineExceeded): string {
  return `${store} did not answer within ${describeBudget(deadline.budget)}. Check that it is reachable from this machine, or raise ${deadline.budget.raise}.`;
}

/** The deadline behind `signal`'s abort, if a deadline aborted it. */
export function exceededDeadline(signal: AbortSignal | undefined): DeadlineExceeded | undefined {
  return signal?.aborted && signal.reason instanceof DeadlineExceeded ? signal.reason : undefined;
}

/** A signal that aborts at a point in time on the Clock, with `DeadlineExceeded`. */
export interface Deadline {
  readonly at: number;
  readonly budget: TimeBudget;
  readonly signal: AbortSignal;
  /** Stops the timer once the deadline no longer matters. */
  dispose(): void;
}

/** When each deadline signal (or a signal combined from one) fires, so a retry can see it coming. */
const firesAt = new WeakMap<AbortSignal, number>();

export function startDeadline(clock: Clock, budget: TimeBudget): Deadline {
  const controller = new AbortController();
  const stop = new AbortController();
  const at = clock.now() + budget.ms;
  firesAt.set(controller.signal, at);
  clock.sleep(budget.ms, stop.signal).then(
    () => controller.abort(new DeadlineExceeded(budget)),
    () => {},
  );
  return { at, budget, signal: controller.signal, dispose: () => stop.abort() };
}

/** When `signal` will abort on a deadline; undefined when no deadline is behind it. */
export function deadlineOf(signal: AbortSignal | undefined): number | undefined {
  return signal ? firesAt.get(signal) : undefined;
}

/** Aborts when the first of `signals` does; keeps the earliest deadline among them visible to `deadlineOf`. */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 1) return present[0] as AbortSignal;
  const combined = present.length === 0 ? new AbortController().signal : AbortSignal.any(present);
  const times = present.map((s) => firesAt.get(s)).filter((at): at is number => at !== undefined);
  if (times.length > 0) firesAt.set(combined, Math.min(...times));
  return combined;
}
