import { describe, expect, test } from "bun:test";
import {
  anySignal,
  DeadlineExceeded,
  deadlineOf,
  describeBudget,
  exceededDeadline,
  startDeadline,
  type TimeBudget,
  unansweredMessage,
} from "../../core/deadline.ts";
import { FakeClock } from "../support/fake-clock.ts";

const budget: TimeBudget = {
  ms: 5000,
  what: "the lease wait",
  raise: "SWAMP_LOCK_TIMEOUT_MS",
  code: "lock_timeout",
};

describe("startDeadline", () => {
  test("aborts its signal at its time on the clock, with DeadlineExceeded", async () => {
    const clock = new FakeClock();
    const deadline = startDeadline(clock, budget);
    expect(deadline.at).toBe(clock.now() + 5000);
    expect(deadlineOf(deadline.signal)).toBe(deadline.at);
    await clock.advance(4999);
    expect(deadline.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(deadline.signal.reason).toBeInstanceOf(DeadlineExceeded);
    expect(exceededDeadline(deadline.signal)?.budget).toEqual(budget);
  });

  test("dispose stops it: the signal never aborts and no timer is left", async () => {
    const clock = new FakeClock();
    const deadline = startDeadline(clock, budget);
    deadline.dispose();
    await clock.advance(10_000);
    expect(deadline.signal.aborted).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  test("the error and the messages name what ran out and how to raise it", () => {
    const error = new DeadlineExceeded(budget);
    expect(error.code).toBe("lock_timeout");
    expect(error.message).toBe("the lease wait of 5 s ran out (to allow more, raise SWAMP_LOCK_TIMEOUT_MS)");
    expect(describeBudget({ ...budget, ms: 1500 })).toBe("the lease wait of 1.5 s");
    expect(unansweredMessage("s3://b", error)).toBe(
      "s3://b did not answer within the lease wait of 5 s. Check that it is reachable from this machine, or raise SWAMP_LOCK_TIMEOUT_MS.",
    );
  });
});

describe("anySignal", () => {
  test("aborts with the first reason, and carries the earliest deadline behind it", async () => {
    const clock = new FakeClock();
    const late = startDeadline(clock, { ...budget, ms: 9000 });
    const soon = startDeadline(clock, { ...budget, ms: 2000 });
    const user = new AbortController();
    const combined = anySignal(user.signal, late.signal, undefined, soon.signal);
    expect(deadlineOf(combined)).toBe(soon.at);
    expect(deadlineOf(anySignal(user.signal))).toBeUndefined();
    user.abort("stop");
    expect(combined.reason).toBe("stop");
    expect(exceededDeadline(combined)).toBeUndefined();
    late.dispose();
    soon.dispose();
  });

  test("one signal is itself; none is one that never aborts", () => {
    const only = new AbortController().signal;
    expect(anySignal(undefined, only)).toBe(only);
    expect(anySignal().aborted).toBe(false);
  });
});
