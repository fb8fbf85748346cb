import { describe, expect, test } from "bun:test";
import { slidingWindow } from "../../core/sliding-window.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("slidingWindow", () => {
  test("keeps at most `limit` in flight and starts the next as soon as one finishes", async () => {
    let inFlight = 0;
    let peak = 0;
    const order: number[] = [];
    await slidingWindow([5, 1, 1, 1, 1], 2, async (turns, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      for (let t = 0; t < turns; t++) await tick();
      order.push(i);
      inFlight--;
    });
    expect(peak).toBe(2);
    // The slow first item does not hold the others back (no waves).
    expect(order.indexOf(0)).toBeGreaterThan(order.indexOf(3));
  });

  test("after a failure nothing new starts, and the first error is thrown", async () => {
    const started: number[] = [];
    const run = slidingWindow([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await tick();
      if (i === 1) throw new Error("boom");
    });
    await expect(run).rejects.toThrow("boom");
    expect(started.length).toBeLessThan(6);
  });

  test("stops when the signal aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("deadline");
    const run = slidingWindow(
      [0, 1, 2, 3],
      1,
      async (i) => {
        if (i === 1) controller.abort(reason);
        await tick();
      },
      controller.signal,
    );
    await expect(run).rejects.toBe(reason);
  });

  test("an empty list is done at once", async () => {
    await slidingWindow([], 4, async () => {
      throw new Error("never");
    });
  });
});
