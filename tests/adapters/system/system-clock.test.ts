import { describe, expect, test } from "bun:test";
import { systemClock } from "../../../adapters/system/system-clock.ts";

describe("systemClock", () => {
  test("sleep rejects with the signal's reason when aborted, before or during the wait", async () => {
    const early = new AbortController();
    early.abort(new Error("already"));
    await expect(systemClock.sleep(60_000, early.signal)).rejects.toThrow("already");
    const late = new AbortController();
    const sleeping = systemClock.sleep(60_000, late.signal);
    late.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
  });

  test("sleep resolves", async () => {
    await systemClock.sleep(1);
  });

  test("every calls until stopped", async () => {
    let calls = 0;
    let stop = () => {};
    await new Promise<void>((resolve) => {
      stop = systemClock.every(1, () => {
        if (++calls === 3) resolve();
      });
    });
    stop();
    expect(calls).toBe(3);
  });
});
