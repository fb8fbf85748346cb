import { describe, expect, test } from "bun:test";
import { GRACE_PERIOD_MS } from "../../../core/doctor/grace-period.ts";
import { leftoverFindings } from "../../../core/doctor/leftover-findings.ts";
import { FakeClock } from "../../support/fake-clock.ts";

describe("leftoverFindings", () => {
  test("a temp file or dir is a write in flight for an hour, then a leftover doctor deletes", async () => {
    const clock = new FakeClock();
    const entries = [
      { path: "/ds/data/t/m/n/.b.tmp", directory: true, modifiedAt: clock.now() },
      { path: "/ds/.locks/.a.tmp", directory: false, modifiedAt: clock.now() - 1 },
    ];
    expect(leftoverFindings(entries, clock.now(), GRACE_PERIOD_MS)).toEqual([]);
    await clock.advance(GRACE_PERIOD_MS);
    const found = leftoverFindings(entries, clock.now(), GRACE_PERIOD_MS);
    expect(found.map((f) => [f.code, f.subject, f.problem, f.repair])).toEqual([
      ["leftover_temp", "/ds/.locks/.a.tmp", true, { kind: "delete_leftover", path: "/ds/.locks/.a.tmp" }],
      [
        "leftover_temp",
        "/ds/data/t/m/n/.b.tmp",
        true,
        { kind: "delete_leftover", path: "/ds/data/t/m/n/.b.tmp" },
      ],
    ]);
    expect(found[1]?.message).toContain(
      "a temp directory left by a write that never finished, 1 h 0 min old",
    );
    expect(found[0]?.fix).toBe("swamp doctor --repair -y");
  });
});
