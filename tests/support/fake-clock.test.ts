import { describe, expect, test } from "bun:test";
import { FakeClock } from "./fake-clock.ts";

describe("FakeClock", () => {
  test("advance fires sleepers and intervals in time order", async () => {
    const clock = new FakeClock({ start: 0 });
    const fired: string[] = [];
    clock.sleep(250).then(() => fired.push(`sleep@${clock.now()}`));
    const stop = clock.every(100, () => fired.push(`tick@${clock.now()}`));
    await clock.advance(300);
    expect(fired).toEqual(["tick@100", "tick@200", "sleep@250", "tick@300"]);
    stop();
    await clock.advance(1000);
    expect(fired).toHaveLength(4);
    expect(clock.pendingTimers).toBe(0);
  });

  test("timers scheduled by woken code fire within the same advance", async () => {
    const clock = new FakeClock({ start: 0 });
    const times: number[] = [];
    (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        times.push(clock.now());
      }
    })();
    await clock.advance(100);
    expect(times).toEqual([10, 20, 30]);
    expect(clock.now()).toBe(100);
  });

  test("an aborted sleep rejects and leaves no timer", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error("cancelled"));
    await expect(sleeping).rejects.toThrow("cancelled");
    expect(clock.pendingTimers).toBe(0);
  });
});
