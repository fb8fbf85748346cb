import { describe, expect, test } from "bun:test";
import { GRACE_PERIOD_MS, gracePeriodMs, isPastGrace } from "../../../core/doctor/grace-period.ts";
import { FakeClock } from "../../support/fake-clock.ts";

describe("the grace period", () => {
  test("is one hour unless SWAMP_DOCTOR_GRACE_MS gives a whole number of ms (0 included)", () => {
    expect(GRACE_PERIOD_MS).toBe(3_600_000);
    expect(gracePeriodMs({})).toBe(GRACE_PERIOD_MS);
    expect(gracePeriodMs({ SWAMP_DOCTOR_GRACE_MS: "0" })).toBe(0);
    expect(gracePeriodMs({ SWAMP_DOCTOR_GRACE_MS: " 1500 " })).toBe(1500);
    for (const bad of ["", "-1", "1.5", "soon", "9".repeat(30)])
      expect(gracePeriodMs({ SWAMP_DOCTOR_GRACE_MS: bad })).toBe(GRACE_PERIOD_MS);
  });

  test("something written now is work in flight until the period has passed", async () => {
    const clock = new FakeClock();
    const written = clock.now();
    expect(isPastGrace(clock.now() - written, GRACE_PERIOD_MS)).toBe(false);
    await clock.advance(GRACE_PERIOD_MS - 1);
    expect(isPastGrace(clock.now() - written, GRACE_PERIOD_MS)).toBe(false);
    await clock.advance(1);
    expect(isPastGrace(clock.now() - written, GRACE_PERIOD_MS)).toBe(true);
  });
});
